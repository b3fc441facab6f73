using FluentAssertions;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Runs;
using Xunit;

namespace RlSpec.Trainer.Tests.Runs;

public sealed class RunCheckpointTests : IDisposable
{
    private readonly string _run = Directory.CreateTempSubdirectory("rlspec-prune-").FullName;

    private void Checkpoint(int step, bool complete = true)
    {
        var dir = Path.Combine(_run, RunCheckpoint.SubDirectory, $"step-{step:D6}");
        Directory.CreateDirectory(dir);
        if (complete)
        {
            JsonOutput.Write(Path.Combine(dir, RunCheckpoint.StateFile), new TrainerState(step, step, step * 4));
        }
    }

    private List<string> Left() =>
        Directory.GetDirectories(Path.Combine(_run, RunCheckpoint.SubDirectory)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    [Fact]
    public void Pruning_keeps_the_newest_complete_checkpoints_and_so_the_one_a_resume_uses()
    {
        foreach (var step in new[] { 2, 4, 6, 8, 10 })
        {
            Checkpoint(step);
        }

        Checkpoint(12, complete: false);

        RunCheckpoint.Prune(_run, keep: 2).Select(Path.GetFileName).Should().Equal("step-000002", "step-000004", "step-000006");

        Left().Should().Equal("step-000008", "step-000010", "step-000012");
        RunCheckpoint.Latest(_run).Should().EndWith("step-000010");
    }

    [Fact]
    public void Keep_zero_keeps_every_checkpoint()
    {
        Checkpoint(1);
        Checkpoint(2);
        RunCheckpoint.Prune(_run, keep: 0).Should().BeEmpty();
        Left().Should().HaveCount(2);
    }

    [Fact]
    public void The_default_keeps_a_few_and_a_negative_count_is_refused_naming_the_key()
    {
        new RunConfig().Logging.KeepCheckpoints.Should().Be(3);
        var act = () => ConfigLoader.Load(null, ["logging.keep_checkpoints=-1"]);
        act.Should().Throw<ConfigException>().WithMessage("*'logging.keep_checkpoints' must be 0 (keep all) or a positive count*got -1*");
    }

    public void Dispose() => Directory.Delete(_run, recursive: true);
}
