using FluentAssertions;
using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.DraftModel;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Tokenization;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Tests.Eagle;

public sealed class EagleHeadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-eagle-").FullName;

    [Fact]
    public void Fuses_a_low_middle_and_high_layer_and_registers_none_of_the_policy_tensors()
    {
        var config = EagleConfig.For(TinyPolicy.Config);
        var head = new EagleHead(TinyPolicy.Config, config);

        config.FeatureLayers.Should().Equal(1, 2, 4);
        head.state_dict().Keys.Should().NotContain(k => k.Contains("embed", StringComparison.Ordinal) || k.Contains("lm_head", StringComparison.Ordinal));
        head.state_dict()["fc.weight"].shape.Should().Equal(32, 96);
    }

    [Theory]
    [InlineData(2)]   // grouped-query attention, as the tiny policy
    [InlineData(4)]   // one KV head per query head: the other attention path
    public void Training_time_unrolling_gives_exactly_the_logits_drafting_through_the_cache_gives(int kvHeads)
    {
        var config = TinyPolicy.Config with { NumKvHeads = kvHeads };
        var policy = TinyPolicy.Create(config: config);
        manual_seed(6);
        var head = new EagleHead(config, EagleConfig.For(config));
        head.eval();
        using var _ = no_grad();
        long[] sequence = [1, 5, 6, 7, 8, 9, 10, 11, 12, 13];
        var ids = tensor(sequence).unsqueeze(0);
        var output = policy.Forward(ids, captureLayers: [.. head.Config.FeatureLayers]);
        var features = cat(head.Config.FeatureLayers.Select(l => output.Hidden[l]).ToList(), -1);        // [1, 10, 96]
        var padded = cat([ids, zeros(1, 6, ScalarType.Int64)], 1);
        var training = head.Unroll(policy, features, offset => padded.narrow(1, offset + 1, 10), depth: 3);

        const int start = 4;   // chain after row 4: context pairs 0..4, then drafts of tokens 6 and 7 places on
        using var cache = head.NewCache(1, 32, CPU);
        var state = head.Extend(head.ContextInputs(policy, features.narrow(1, 0, start + 1), ids.narrow(1, 1, start + 1)), cache).select(1, start);
        for (var j = 0; j < 3; j++)
        {
            var drafting = policy.HeadLogits(state);
            (drafting - training[j][.., start]).abs().max().item<float>().Should().BeLessThan(1e-4f, $"step {j}");
            state = head.Extend(head.Inputs(policy, state, tensor(new[] { sequence[start + j + 2] })).unsqueeze(1), cache).squeeze(1);
        }
    }

    [Fact]
    public void Gradients_of_the_head_loss_never_reach_the_policy()
    {
        var policy = TinyPolicy.Create();
        var head = new EagleHead(TinyPolicy.Config, EagleConfig.For(TinyPolicy.Config));
        var tokens = randint(4, 23, [2, 12]);
        var logits = head.Unroll(policy, randn(2, 8, 96), offset => tokens.narrow(1, offset + 1, 8), 3);

        logits.Should().HaveCount(3).And.OnlyContain(l => l.shape.SequenceEqual(new long[] { 2, 8, 23 }));
        logits.Aggregate((a, b) => a.Plus(b)).sum().backward();
        policy.parameters().Where(p => p.grad is not null && p.grad.abs().max().item<float>() > 0).Should().BeEmpty();
        head.parameters().Where(p => p.grad is not null && p.grad.abs().max().item<float>() > 0).Should().NotBeEmpty();
    }

    [Fact]
    public void Training_on_captured_policy_samples_lowers_the_kl_at_every_unrolled_step_with_the_policy_frozen()
    {
        var policy = TinyPolicy.Create();
        var before = policy.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        manual_seed(4);
        var head = new EagleHead(TinyPolicy.Config, EagleConfig.For(TinyPolicy.Config));
        using var g = new Generator(1);
        var batch = new DistillationBatch(
            Enumerable.Range(0, 8).Select(_ => (IReadOnlyList<int>)randint(4, 23, [14], generator: g).data<long>().ToArray().Select(t => (int)t).ToList()).ToList(),
            Enumerable.Repeat(3, 8).ToList());
        using var trainer = new EagleTrainer(policy, head, learningRate: 3e-3);
        var reports = new List<double[]>();
        trainer.Pretrain(_ => batch, 0, new SupervisionOptions(head.Config.FeatureLayers), new DistillationOptions(Steps: 60, LearningRate: 1e-2, WarmupSteps: 5, LogEvery: 10), depth: 3,
            new Progress(reports));

        reports[^1].Zip(reports[0]).Should().OnlyContain(x => x.First < 0.7 * x.Second);
        policy.state_dict().Should().OnlyContain(kv => (kv.Value - before[kv.Key]).abs().max().item<float>() == 0, "the policy stays frozen");
    }

    [Fact]
    public void Online_alignment_trains_only_on_fresh_enough_records()
    {
        var policy = TinyPolicy.Create();
        var head = new EagleHead(TinyPolicy.Config, EagleConfig.For(TinyPolicy.Config));
        IReadOnlyList<int> sequence = [1, 5, 6, 7, 8, 9, 10, 11];
        using var buffer = new SupervisionBuffer(1000);
        foreach (var r in SupervisionCapture.FromSequences(policy, [sequence], [3], 0, new SupervisionOptions(head.Config.FeatureLayers), version: 2))
        {
            buffer.Add(r);
        }

        using var trainer = new EagleTrainer(policy, head, learningRate: 1e-3);
        var stale = trainer.Align(buffer, policyVersion: 9, new AlignmentOptions(StepsPerUpdate: 3, MaxStaleness: 2), new Random(1));
        var fresh = trainer.Align(buffer, policyVersion: 3, new AlignmentOptions(StepsPerUpdate: 3, MaxStaleness: 2, BatchRecords: 2), new Random(1));

        stale.Steps.Should().Be(0);
        fresh.Steps.Should().Be(3);
        fresh.Rows.Should().Be(3 * 2 * 7, "each record holds one row per position but the last");
        fresh.Kl.Should().HaveCount(4).And.OnlyContain(k => k > 0);
    }

    [Fact]
    public void Saves_beside_the_policy_and_loads_back_bit_exact_and_refuses_a_different_policy_shape()
    {
        var policy = TinyPolicy.Create();
        var head = new EagleHead(TinyPolicy.Config, new EagleConfig([2, 4], MaxChain: 6));
        EagleCheckpoint.Save(_dir, head, TinyPolicy.Config, policyVersion: 7);

        var (loaded, version) = EagleCheckpoint.Load(_dir, policy);
        version.Should().Be(7);
        loaded.Config.FeatureLayers.Should().Equal(2, 4);
        loaded.Config.MaxChain.Should().Be(6);
        var expected = head.state_dict();
        loaded.state_dict().Should().OnlyContain(kv => (kv.Value - expected[kv.Key]).abs().max().item<float>() == 0);

        var other = RlSpec.Policy.Model.WeightInit.NewPolicy(TinyPolicy.Config with { HiddenSize = 64 }, 1);
        var act = () => EagleCheckpoint.Load(_dir, other);
        act.Should().Throw<CheckpointFormatException>().WithMessage("*hidden_size 32*64*");
        var missing = () => EagleCheckpoint.Load(Path.Combine(_dir, "nowhere"), policy);
        missing.Should().Throw<CheckpointFormatException>().WithMessage("*train-eagle*");
    }

    private sealed class Progress(List<double[]> sink) : IProgress<(int Step, double[] Kl)>
    {
        public void Report((int Step, double[] Kl) value) => sink.Add(value.Kl);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
