namespace RlSpec.Trainer.Reports;

/// <summary>One run reduced to the numbers a report compares across runs.</summary>
/// <param name="Run">The run.</param>
/// <param name="FinalReward">Mean <c>reward_mean</c> over the last quarter of steps (<see cref="FinalWindow"/>).</param>
/// <param name="FinalAccuracy">Mean rollout <c>accuracy</c> over the same steps.</param>
/// <param name="AcceptanceLength">Mean acceptance length over steps that drafted (NaN without speculation).</param>
/// <param name="TokensPerSecond">Mean generated tokens/s over the timed steps (<see cref="TimedRows"/>).</param>
/// <param name="StepSeconds">Mean step seconds over the timed steps.</param>
/// <param name="StageSeconds">Mean seconds per stage over the timed steps (see <see cref="StageTimes"/>).</param>
/// <param name="AlarmSteps">Steps with a drafter alarm; null when the metrics have no <c>drafter_alarm</c> column.</param>
public sealed record RunStats(RunData Run, double FinalReward, double FinalAccuracy, double AcceptanceLength, double TokensPerSecond,
    double StepSeconds, IReadOnlyDictionary<string, double> StageSeconds, IReadOnlyList<int>? AlarmSteps)
{
    /// <summary>What "final" means in reports and sweeps: the last quarter of the steps (at least the last one), so
    /// one noisy step does not decide a comparison.</summary>
    public const string FinalWindowText = "the mean of reward_mean over the last quarter of the run's steps";

    public int Steps => Run.Metrics.Rows;

    /// <summary>Row indices of the last quarter of <paramref name="rows"/> rows (at least one row).</summary>
    public static int[] FinalWindow(int rows) => Enumerable.Range(rows * 3 / 4, rows - (rows * 3 / 4)).ToArray();

    /// <summary>Rows that timings average over: every step but the first (which pays one-off start-up costs) when
    /// there are several.</summary>
    public static int[] TimedRows(int rows) => rows > 1 ? Enumerable.Range(1, rows - 1).ToArray() : [0];

    public static RunStats From(RunData run)
    {
        var m = run.Metrics;
        var final = FinalWindow(m.Rows);
        var timed = TimedRows(m.Rows);
        var reward = m.Numbers("reward_mean");
        var accuracy = m.Numbers("accuracy");
        var acceptance = m.Numbers("acceptance_length");
        var tokens = m.Numbers("tokens_per_second");
        var step = m.Numbers("step_seconds");
        return new RunStats(run,
            Mean(final.Select(i => reward[i])),
            Mean(final.Select(i => accuracy[i])),
            run.Speculative ? Mean(acceptance.Where(a => a > 0)) : double.NaN,
            Mean(timed.Select(i => tokens[i])),
            Mean(timed.Select(i => step[i])),
            StageTimes.MeanSeconds(m, timed),
            AlarmStepsOf(run));
    }

    /// <summary>Steps whose <c>drafter_alarm</c> cell is set: anything but empty, 0, false or none (the column may
    /// hold a flag or the alarm's reason).</summary>
    private static List<int>? AlarmStepsOf(RunData run)
    {
        if (run.Metrics.Text("drafter_alarm") is not { } cells)
        {
            return null;
        }

        var steps = run.Steps;
        return cells.Select((cell, i) => (cell.Trim().ToLowerInvariant(), steps[i]))
            .Where(c => c.Item1 is not ("" or "0" or "false" or "none" or "ok" or "nan"))
            .Select(c => c.Item2).ToList();
    }

    private static double Mean(IEnumerable<double> values)
    {
        var xs = values.Where(v => !double.IsNaN(v)).ToArray();
        return xs.Length == 0 ? double.NaN : xs.Average();
    }
}
