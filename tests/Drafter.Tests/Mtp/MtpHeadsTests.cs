using FluentAssertions;
using RlSpec.Drafter.DraftModel;
using RlSpec.Drafter.Mtp;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Tests.Mtp;

public sealed class MtpHeadsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-mtp-").FullName;
    private static readonly PolicyConfig Config = new(23, HiddenSize: 32, NumLayers: 2, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 48, MaxPositions: 64);

    [Fact]
    public void Heads_leave_the_policy_outputs_unchanged_and_give_one_distribution_per_head()
    {
        var plain = WeightInit.NewPolicy(Config, 3);
        var withHeads = MtpAttach.WithHeads(plain, 3, seed: 5);
        using var _ = no_grad();
        var tokens = randint(4, 23, [2, 6]);
        var output = withHeads.Forward(tokens, captureLayers: [withHeads.FinalLayer]);

        (output.Logits - plain.Forward(tokens).Logits).abs().max().item<float>().Should().Be(0);
        var mtp = withHeads.MtpLogits(output.Hidden[withHeads.FinalLayer].reshape(-1, 32));
        mtp.shape.Should().Equal(12, 3, 23);
    }

    [Fact]
    public void A_policy_with_heads_saves_and_loads_back_bit_exact_with_its_config_key()
    {
        var model = MtpAttach.WithHeads(WeightInit.NewPolicy(Config, 3), 2, seed: 5);
        var tokenizer = TextTokenizer.ForCharacters("abcdefghijklmnopqrs");
        PolicyCheckpoint.Save(_dir, model, tokenizer);

        File.ReadAllText(Path.Combine(_dir, "config.json")).Should().Contain("\"rlspec_mtp_heads\": 2");
        var (loaded, _) = PolicyCheckpoint.Load(_dir, CPU);
        loaded.Config.MtpHeads.Should().Be(2);
        var expected = model.state_dict();
        loaded.state_dict().Should().ContainKey("mtp_heads.1.proj.weight");
        loaded.state_dict().Should().OnlyContain(kv => (kv.Value - expected[kv.Key]).abs().max().item<float>() == 0);
    }

    [Fact]
    public void Training_lowers_the_heads_kl_to_the_policy()
    {
        var policy = MtpAttach.WithHeads(WeightInit.NewPolicy(Config, 3, std: 0.2), 2, seed: 5);
        var policyBefore = policy.state_dict().Where(kv => !kv.Key.StartsWith("mtp", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var g = new Generator(1);
        var batch = new DistillationBatch(
            Enumerable.Range(0, 8).Select(_ => (IReadOnlyList<int>)randint(4, 23, [12], generator: g).data<long>().ToArray().Select(t => (int)t).ToList()).ToList(),
            Enumerable.Repeat(3, 8).ToList());
        var trainer = new MtpTrainer(policy, 0, new DistillationOptions(Steps: 60, LearningRate: 1e-2, WarmupSteps: 5, LogEvery: 10));
        var reports = new List<double[]>();
        trainer.Train(_ => batch, new Progress(reports));

        reports[^1].Zip(reports[0]).Should().OnlyContain(x => x.First < x.Second);
        policy.state_dict().Where(kv => policyBefore.ContainsKey(kv.Key))
            .Should().OnlyContain(kv => (kv.Value - policyBefore[kv.Key]).abs().max().item<float>() == 0, "the policy stays frozen");
    }

    private sealed class Progress(List<double[]> sink) : IProgress<(int Step, double[] Kl)>
    {
        public void Report((int Step, double[] Kl) value) => sink.Add(value.Kl);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
