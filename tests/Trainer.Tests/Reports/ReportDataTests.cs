using FluentAssertions;
using MessagePack;
using RlSpec.Trainer.Reports;
using RlSpec.Trainer.Runs;
using Xunit;

namespace RlSpec.Trainer.Tests.Reports;

/// <summary>The report's numbers on hand-written run directories (no training, no plotting).</summary>
public sealed class ReportDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-report-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Run(string name, int seed, bool speculative, double[] rewards, string? extraColumn = null, string[]? extraValues = null)
    {
        var dir = Path.Combine(_dir, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.yaml"),
            $"seed: {seed}\nspeculation:\n  enabled: {(speculative ? "true" : "false")}\n  draft_tokens: 4\nlogging:\n  run_dir: {dir}\n");
        var header = "step,reward_mean,accuracy,acceptance_length,tokens_per_second,generation_seconds,train_seconds,step_seconds" + (extraColumn is null ? "" : "," + extraColumn);
        var lines = rewards.Select((r, i) => FormattableString.Invariant(
            $"{i + 1},{r},{r / 2},{(speculative ? 3.0 : 1.0)},{100 * (i + 1)},0.6,0.2,1.0") + (extraValues is null ? "" : "," + extraValues[i]));
        File.WriteAllLines(Path.Combine(dir, "metrics.csv"), [header, .. lines]);
        return dir;
    }

    [Fact]
    public void Runs_that_differ_only_in_seed_form_one_group_with_mean_and_sample_sd_of_the_last_quarter_reward()
    {
        var a = Run("a", 1, true, [0, 0, 0, 0.2]);
        var b = Run("b", 2, true, [0, 0, 0, 0.4]);
        var c = Run("c", 1, false, [0, 0, 0, 0.5]);
        var data = ReportData.Load([a, b, c]);

        data.GroupKeys.Should().Equal("speculation.enabled");
        data.Groups.Select(g => g.Label).Should().Equal("speculation.enabled=true", "speculation.enabled=false");
        data.Groups[0].Seeds.Should().Equal("1", "2");
        data.Groups[0].FinalReward.Mean.Should().BeApproximately(0.3, 1e-12);
        data.Groups[0].FinalReward.Sd.Should().BeApproximately(Math.Sqrt(0.02), 1e-12);
        data.Groups[0].FinalReward.Format().Should().Be("0.300 ± 0.141");
        data.Groups[1].FinalReward.Format().Should().Be("0.500");
        data.Runs[2].AcceptanceLength.Should().Be(double.NaN, "a plain run has no acceptance length");
        data.Runs[0].TokensPerSecond.Should().Be(300, "timings leave out step 1");
    }

    [Fact]
    public void Stage_shares_add_up_to_the_step_with_the_unaccounted_time_as_other()
    {
        var data = ReportData.Load([Run("a", 1, true, [0, 0])]);
        var seconds = data.Groups[0].StageSeconds;
        seconds["generation"].Should().BeApproximately(0.6, 1e-12);
        seconds[StageTimes.OtherLabel].Should().BeApproximately(0.2, 1e-12);
        StageTimes.Shares(seconds, 1.0).Values.Sum().Should().BeApproximately(1.0, 1e-12);
    }

    [Fact]
    public void A_drafter_alarm_column_marks_its_steps_and_its_absence_is_reported_as_unknown_not_as_no_alarms()
    {
        var with = Run("with", 1, true, [0, 0, 0], "drafter_alarm", ["0", "acceptance_drop", "false"]);
        var without = Run("without", 2, true, [0, 0, 0]);
        var data = ReportData.Load([with, without]);
        data.Runs[0].AlarmSteps.Should().Equal(2);
        data.Runs[1].AlarmSteps.Should().BeNull();
        ReportMarkdown.Render(data).Should().Contain("with at steps 2");
    }

    [Fact]
    public void Acceptance_by_position_comes_from_per_token_flags_when_the_log_has_them_and_from_counts_otherwise()
    {
        var counts = Run("counts", 1, true, [0]);
        RolloutLog.Append(Path.Combine(counts, RolloutLog.FileName),
            [new RolloutRecord { Drafter = "eagle", DraftCounts = [4, 4], AcceptCounts = [2, 4] }]);
        var flags = Run("flags", 2, true, [0]);
        var raw = new Dictionary<string, object>
        {
            ["drafter"] = "eagle",
            ["draft_counts"] = new[] { 4, 4 },
            ["accept_counts"] = new[] { 2, 4 },
            // the same two steps token by token: 1 ✓, 2 ✓, 3 ✗ (recovered), then 1-4 ✓ and the bonus (position 0)
            ["draft_position"] = new[] { 1, 2, 3, 1, 2, 3, 4, 0 },
            ["accepted"] = new[] { true, true, false, true, true, true, true, false },
        };
        var bytes = MessagePackSerializer.Serialize(raw);
        using (var stream = File.Create(Path.Combine(flags, RolloutLog.FileName)))
        {
            stream.Write(BitConverter.GetBytes(bytes.Length));
            stream.Write(bytes);
        }

        var data = ReportData.Load([counts, flags]);
        var fromCounts = data.Runs[0].Run.Rollouts;
        var fromFlags = data.Runs[1].Run.Rollouts;
        fromCounts.Source.Should().Be("per-step counts");
        fromFlags.Source.Should().Be("per-token flags");
        fromFlags.Positions.Reached.Should().Equal(fromCounts.Positions.Reached).And.Equal(2, 2, 2, 1);
        fromFlags.Positions.Accepted.Should().Equal(fromCounts.Positions.Accepted).And.Equal(2, 2, 1, 1);
    }

    [Fact]
    public void Bad_run_directories_fail_with_one_line_naming_the_problem()
    {
        var missing = () => ReportData.Load([Path.Combine(_dir, "nope")]);
        missing.Should().Throw<ArgumentException>().WithMessage("*does not exist*");
        Directory.CreateDirectory(Path.Combine(_dir, "empty"));
        var empty = () => ReportData.Load([Path.Combine(_dir, "empty")]);
        empty.Should().Throw<InvalidDataException>().WithMessage("*has no metrics.csv*");
        var headerOnly = Run("header-only", 1, true, []);
        var noSteps = () => ReportData.Load([headerOnly]);
        noSteps.Should().Throw<InvalidDataException>().WithMessage("*no steps*");
    }
}
