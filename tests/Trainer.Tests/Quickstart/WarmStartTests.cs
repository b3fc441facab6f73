using FluentAssertions;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Training;
using RlSpec.Trainer.Quickstart;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Tests.Quickstart;

public sealed class WarmStartTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rlspec-ws-").FullName;

    private WarmStartOptions Options(string name, int steps) => new(
        new ArithmeticTask(new ArithmeticTaskConfig(1, 1, "+")),
        new SftOptions(Steps: steps, BatchSize: 16, LearningRate: 3e-3, WarmupSteps: 10, LogEvery: 10),
        new PolicyShape(Layers: 2, Hidden: 32, Heads: 2, KvHeads: 1, Intermediate: 64),
        EvalCount: 32,
        OutputDirectory: Path.Combine(_root, name));

    [Fact]
    public void Warm_start_lowers_the_loss_raises_accuracy_and_saves_a_loadable_checkpoint()
    {
        var lines = new List<string>();
        var report = new WarmStart(Options("run", 150), CPU).Run(new SynchronousProgress<string>(lines.Add));

        report.Before.Accuracy.Should().Be(0);
        report.After.Accuracy.Should().BeGreaterThan(report.Before.Accuracy);
        report.FinalLoss.Should().BeLessThan(1.0);
        lines.Should().ContainSingle(l => l.StartsWith("warm start (SFT): 150/150 steps", StringComparison.Ordinal));
        var (model, _) = PolicyCheckpoint.Load(report.CheckpointDirectory, CPU);
        model.parameters().Sum(p => p.numel()).Should().Be(report.ParameterCount);
    }

    [Fact]
    public void Same_seed_gives_the_same_loss()
    {
        var a = new WarmStart(Options("a", 20), CPU).Run();
        var b = new WarmStart(Options("b", 20), CPU).Run();
        a.FinalLoss.Should().Be(b.FinalLoss);
    }

    [Fact]
    public void An_existing_output_directory_is_never_overwritten()
    {
        var target = Path.Combine(_root, "taken");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "precious");

        var act = () => new WarmStart(Options("taken", 5), CPU).Run();
        act.Should().Throw<ArgumentException>().WithMessage("*taken*already has files*");
        File.ReadAllText(Path.Combine(target, "keep.txt")).Should().Be("precious");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
