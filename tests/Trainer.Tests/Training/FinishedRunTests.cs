using System.Diagnostics;
using FluentAssertions;
using RlSpec.Trainer.Cli;
using RlSpec.Trainer.Runs;
using RlSpec.Trainer.Training;
using Xunit;

namespace RlSpec.Trainer.Tests.Training;

[Collection("console")]
public sealed class FinishedRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-finished-").FullName;

    private sealed class Killed : Exception;

    [Fact]
    public void A_resumed_run_keeps_accuracy_before_and_resuming_a_finished_run_says_so_and_touches_nothing()
    {
        var runDir = Path.Combine(_dir, "run");
        var config = TinyRun.Config(runDir, $"model.checkpoint={TinyRun.Policy(Path.Combine(_dir, "policy"))}", "task.eval_prompts=4");
        var kill = () => TrainCommand.Fresh(config, step => throw new Killed());
        kill.Should().Throw<Killed>();
        var before = RunCheckpoint.ReadState(RunCheckpoint.Latest(runDir)!).AccuracyBefore;
        before.Should().NotBeNull("the run state keeps what only the start can measure");

        var resumed = TrainCommand.Resume(runDir);

        resumed!.AccuracyBefore.Should().Be(before);
        var summary = Path.Combine(runDir, "summary.json");
        File.ReadAllText(summary).Should().Contain("\"accuracy_before\": ").And.NotContain("\"accuracy_before\": null");
        var (text, written) = (File.ReadAllText(summary), File.GetLastWriteTimeUtc(summary));
        var metrics = File.ReadAllText(Path.Combine(runDir, MetricsLog.FileName));

        var clock = Stopwatch.StartNew();
        TrainingSummary? again = null;
        var log = TinyRun.Stderr(() => again = TrainCommand.Resume(runDir));

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "nothing runs, so no actor system waits to shut down");
        again.Should().BeNull();
        log.Should().Contain($"{runDir} is finished").And.Contain("step 2 of trainer.steps 2").And.NotContain("steps 3..2");
        (File.ReadAllText(summary), File.GetLastWriteTimeUtc(summary)).Should().Be((text, written), "summary.json is not rewritten");
        File.ReadAllText(Path.Combine(runDir, MetricsLog.FileName)).Should().Be(metrics);
        Cli.ConsoleCapture.Run("train", "--resume", runDir).Code.Should().Be(0);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
