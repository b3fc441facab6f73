using FluentAssertions;
using RlSpec.Trainer.Cli;
using RlSpec.Trainer.Runs;
using Xunit;

namespace RlSpec.Trainer.Tests.Training;

/// <summary>What a researcher reads from real (tiny) runs: the drafter's health in <c>metrics.csv</c>, the rollout log's drafter
/// fields, and the notebooks in <c>experiments/rollout_logs</c> executed headless.</summary>
[Collection("console")]
public sealed class RunAnalysisTests(TinyRuns runs) : IClassFixture<TinyRuns>
{

    private static List<RolloutRecord> Rollouts(string run) => RolloutLog.Read(Path.Combine(run, RolloutLog.FileName)).Records;

    [Fact]
    public void A_healthy_aligned_run_raises_no_alarm_and_logs_which_drafter_weights_drafted_each_sample()
    {
        var metrics = TinyRuns.Metrics(runs.Speculative);
        var rollouts = Rollouts(runs.Speculative);

        metrics.Should().HaveCount(6).And.OnlyContain(r => r.DrafterAlarm == 0);
        // Step 1 drafts with the head pretrained on version 0; from then on it was aligned to the version before the generating one.
        metrics.Select(r => r.DrafterVersionLag).Should().Equal(0L, 1L, 1L, 1L, 1L, 1L);
        rollouts.Should().OnlyContain(r => r.SchemaVersion == RolloutRecord.CurrentSchemaVersion && r.DrafterVersion == Math.Max(0, r.PolicyVersion - 1));
        rollouts.Should().OnlyContain(r => r.DrafterHash != null && r.DrafterHash.Length == 12);
        rollouts.GroupBy(r => r.Step).Select(g => g.Select(r => r.DrafterHash).Distinct().Single()).Distinct().Should().HaveCount(6, "the head changes every alignment");
        foreach (var r in rollouts)
        {
            r.LogProbsProcessed.Should().HaveCount(r.ResponseTokens.Length);
            r.LogProbs.Zip(r.LogProbsProcessed).Should().OnlyContain(p => Math.Abs(p.First - p.Second) < 1e-4, "at temperature 1 without top-k/top-p the two agree");
            var (position, accepted) = DraftFlags.Derive(r.DraftCounts, r.AcceptCounts, r.ResponseTokens.Length);
            r.DraftPosition.Should().Equal(position);
            r.Accepted.Should().Equal(accepted);
        }

        rollouts.SelectMany(r => r.DraftPosition).Should().Contain(p => p > 0, "the run speculated");
    }

    [Fact]
    public void A_run_whose_drafter_is_left_unaligned_while_the_policy_moves_raises_the_alarm()
    {
        var run = runs.Train("unaligned", "drafter.align=false", "trainer.learning_rate=0.01", "speculation.alarm_max_lag=1");
        var metrics = TinyRuns.Metrics(run);
        var rollouts = Rollouts(run);

        metrics.Select(r => r.DrafterVersionLag).Should().Equal(0L, 1L, 2L, 3L, 4L, 5L);
        metrics.Select(r => r.DrafterAlarm).Should().Equal(0, 0, 1, 1, 1, 1);
        TrainingProgress.Line(metrics[2], 6).Should().Contain("DRAFTER ALARM (lag 2)");
        TrainingProgress.Line(metrics[1], 6).Should().NotContain("ALARM");
        rollouts.Should().OnlyContain(r => r.DrafterVersion == 0);
        rollouts.Select(r => r.DrafterHash).Distinct().Should().ContainSingle("the head never changed");
        metrics.Skip(2).Should().OnlyContain(r => r.AcceptanceLength > 1, "without auto_disable the stale drafter keeps drafting");
    }

    [Fact]
    public void With_auto_disable_a_drafter_left_unaligned_stops_drafting_after_the_alarm()
    {
        var run = runs.Train("auto-disable", "drafter.align=false", "trainer.learning_rate=0.01", "speculation.alarm_max_lag=1", "speculation.auto_disable=true",
            "speculation.recovery_probe_every=1");
        var metrics = TinyRuns.Metrics(run);

        metrics.Select(r => r.DrafterAlarm).Should().Equal(0, 0, 1, 1, 1, 1);
        metrics.Take(3).Should().OnlyContain(r => r.AcceptanceLength > 1, "step 3 drafted and raised the alarm");
        // No probe either: the drafter's lag never comes back within bounds.
        metrics.Skip(3).Should().OnlyContain(r => r.AcceptanceLength == 1);
        Rollouts(run).Where(r => r.Step > 3).SelectMany(r => r.DraftPosition).Should().OnlyContain(p => p == 0);
    }

    /// <summary>Both notebooks run headless on Debian's jupyter with /usr/bin/python3's kernel: any cell error fails the test, plots
    /// come out inline (image/png outputs), the run directories are left untouched, and relative RLSPEC_RUN paths resolve
    /// from the directory nbconvert was started in.</summary>
    [Fact]
    public void Both_notebooks_execute_headless_show_their_plots_inline_and_write_nothing_into_the_runs()
    {
        var (speculative, plain) = (runs.Speculative, runs.Plain);
        var before = Listing(speculative) + Listing(plain);
        var output = Directory.CreateTempSubdirectory("rlspec-nb-").FullName;
        try
        {
            var explore = Notebooks.Execute("explore.ipynb", output, runs.Root, new() { ["RLSPEC_RUN"] = Path.GetFileName(speculative) });
            var compare = Notebooks.Execute("compare.ipynb", output, runs.Root,
                new() { ["RLSPEC_RUN_A"] = Path.GetFileName(speculative), ["RLSPEC_RUN_B"] = Path.GetFileName(plain) });

            Notebooks.ImageOutputs(explore).Should().BeGreaterThanOrEqualTo(3);
            Notebooks.ImageOutputs(compare).Should().BeGreaterThanOrEqualTo(2);
            Notebooks.Text(explore).Should().Contain("6 steps 36 rollouts");
            Notebooks.Text(compare).Should().Contain("36 paired samples");
            (Listing(speculative) + Listing(plain)).Should().Be(before, "the notebooks write nothing into the run directories");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static string Listing(string dir) => string.Join('\n', Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Order()
        .Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}"));
}
