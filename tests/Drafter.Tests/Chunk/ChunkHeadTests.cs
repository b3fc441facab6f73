using FluentAssertions;
using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Chunk;
using RlSpec.Drafter.DraftModel;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Sampling;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Tests.Chunk;

public sealed class ChunkHeadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-chunk-").FullName;

    private static EagleHead NewHead(int seed = 6)
    {
        manual_seed(seed);
        var head = new EagleHead(TinyPolicy.Config, EagleConfig.For(TinyPolicy.Config, chunk: true));
        head.eval();
        return head;
    }

    [Fact]
    public void Training_time_unrolling_gives_exactly_the_distributions_the_drafter_proposes_from_one_head_forward()
    {
        var policy = TinyPolicy.Create();
        var head = NewHead();
        using var _ = no_grad();
        long[] sequence = [1, 5, 6, 7, 8, 9, 10, 11, 12, 13];
        var ids = tensor(sequence).unsqueeze(0);
        var output = policy.Forward(ids, captureLayers: [.. head.Config.FeatureLayers]);
        var features = cat(head.Config.FeatureLayers.Select(l => output.Hidden[l]).ToList(), -1);        // [1, 10, 96]
        var padded = cat([ids, zeros(1, 6, ScalarType.Int64)], 1);
        var training = head.Unroll(policy, features, offset => padded.narrow(1, offset + 1, 10), depth: 4);

        // The drafter sees pairs 0..4 in two rounds (as after a prefill and one verify step) and reads the second round
        // when it proposes. Its q at T = 1 is the softmax of the chunk's logits.
        const int start = 4;
        var drafter = new ChunkDrafter(policy, head);
        drafter.Begin(1, new SamplingParams(1.0), 32);
        drafter.ObserveHidden(output.Hidden, 0, [2], [[5, 6]]);
        drafter.CatchUp();
        var later = output.Hidden.ToDictionary(kv => kv.Key, kv => kv.Value.narrow(1, 2, 3));
        drafter.ObserveHidden(later, 0, [3], [[7, 8, 9]]);
        var proposal = drafter.Propose([sequence[..(start + 2)].Select(t => (int)t).ToList()], 4, new TokenSampler(1));
        for (var j = 0; j < 4; j++)
        {
            (proposal.Probabilities![0, j] - training[j][0, start].softmax(-1)).abs().max().item<float>().Should().BeLessThan(1e-5f, $"chunk position {j}");
        }

        // The placeholders were scratch: proposing again, with no new pairs, reads the same context.
        var again = drafter.Propose([sequence[..(start + 2)].Select(t => (int)t).ToList()], 4, new TokenSampler(2));
        (again.Probabilities! - proposal.Probabilities!).abs().max().item<float>().Should().BeLessThan(1e-6f);
        drafter.End();
    }

    [Fact]
    public void A_chunk_is_one_forward_whose_positions_do_not_depend_on_the_drafted_tokens()
    {
        var policy = TinyPolicy.Create();
        var drafter = new ChunkDrafter(policy, NewHead());
        drafter.Begin(2, new SamplingParams(1.0), 32);
        using var _ = no_grad();
        IReadOnlyList<int>[] prompts = [[1, 5, 6, 7, 8], [1, 9, 10]];
        var output = policy.Forward(tensor(new long[] { 1, 5, 6, 7, 1, 9, 0, 0 }).view(2, 4), captureLayers: [.. drafter.CaptureLayers]);
        drafter.ObserveHidden(output.Hidden, 0, [4, 2], [[5, 6, 7, 8], [9, 10]]);

        var first = drafter.Propose(prompts, 4, new TokenSampler(1));
        var second = drafter.Propose(prompts, 4, new TokenSampler(2));
        first.Counts.Should().Equal(4, 4);
        (first.Probabilities! - second.Probabilities!).abs().max().item<float>().Should().Be(0, "q is the same whatever was drafted, so each draft's q is exact");
        BitExact(first.Tokens, second.Tokens).Should().BeFalse("other seeds draw other tokens from the same q");
        drafter.End();
    }

    [Fact]
    public void Pretraining_lowers_the_kl_at_every_chunk_position_and_a_saved_chunk_head_loads_into_its_own_folder()
    {
        var policy = TinyPolicy.Create();
        var head = NewHead(4);
        head.train();
        using var g = new Generator(1);
        var batch = new DistillationBatch(
            Enumerable.Range(0, 8).Select(_ => (IReadOnlyList<int>)randint(4, 23, [14], generator: g).data<long>().ToArray().Select(t => (int)t).ToList()).ToList(),
            Enumerable.Repeat(3, 8).ToList());
        using var trainer = new EagleTrainer(policy, head, learningRate: 3e-3);
        var first = trainer.Pretrain(_ => batch, 0, new SupervisionOptions(head.Config.FeatureLayers), new DistillationOptions(Steps: 1, LearningRate: 1e-2, LogEvery: 1), depth: 3);
        var last = trainer.Pretrain(_ => batch, 0, new SupervisionOptions(head.Config.FeatureLayers), new DistillationOptions(Steps: 60, LearningRate: 1e-2, WarmupSteps: 5, LogEvery: 10), depth: 3);
        last.Zip(first).Should().OnlyContain(x => x.First < 0.8 * x.Second);

        EagleCheckpoint.Save(_dir, head, TinyPolicy.Config, policyVersion: 3);
        EagleCheckpoint.Exists(_dir, chunk: true).Should().BeTrue();
        EagleCheckpoint.Exists(_dir, chunk: false).Should().BeFalse("a chunk head has its own folder beside the policy");
        var (loaded, version) = EagleCheckpoint.Load(_dir, policy, chunk: true);
        (loaded.Config.Chunk, version).Should().Be((true, 3L));
        var expected = head.state_dict();
        loaded.state_dict().Should().OnlyContain(kv => (kv.Value - expected[kv.Key]).abs().max().item<float>() == 0);
        var sequential = () => new ChunkDrafter(policy, new EagleHead(TinyPolicy.Config, EagleConfig.For(TinyPolicy.Config)));
        sequential.Should().Throw<ArgumentException>().WithMessage("*sequential*");
    }

    private static bool BitExact(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
