using System.Globalization;
using System.Text;
using RlSpec.Policy.Checkpoints;
using RlSpec.Trainer.Runs;

namespace RlSpec.Trainer.Training;

/// <summary>End-of-run summary: accuracy before/after, reward curve ends, speculation and where the time went.</summary>
/// <param name="PlainSteps">With <c>speculation.plain_every</c>: generation on the run's speculative and on its plain
/// steps (null otherwise).</param>
public sealed record TrainingSummary(string RunDirectory, double? AccuracyBefore, double? AccuracyAfter, int Steps, double FirstReward, double LastReward,
    double AcceptanceLength, double TokensPerSecond, IReadOnlyDictionary<string, double> StageSeconds, InRunComparison? PlainSteps = null)
{
    /// <param name="plainAt">Whether a 0-based step generated plainly by schedule (<c>speculation.plain_every</c>); null: none did.</param>
    public static TrainingSummary From(string runDir, double? before, double? after, IReadOnlyList<StepMetrics> rows, Func<int, bool>? plainAt = null)
    {
        var stages = new Dictionary<string, double>
        {
            ["data"] = rows.Sum(r => r.DataSeconds),
            ["prepare"] = rows.Sum(r => r.PrepareSeconds),
            ["generation"] = rows.Sum(r => r.GenerationSeconds),
            ["logprob"] = rows.Sum(r => r.LogprobSeconds),
            ["train"] = rows.Sum(r => r.TrainSeconds),
            ["drafter_align"] = rows.Sum(r => r.AlignSeconds),
            ["step"] = rows.Sum(r => r.StepSeconds),
        };
        var speculative = plainAt is null ? rows : rows.Where(r => !plainAt(r.Step - 1)).ToList();
        return new TrainingSummary(runDir, before, after, rows.Count, rows.FirstOrDefault()?.RewardMean ?? 0, rows.LastOrDefault()?.RewardMean ?? 0,
            speculative.Count == 0 ? 0 : speculative.Average(r => r.AcceptanceLength), rows.Count == 0 ? 0 : rows.Average(r => r.TokensPerSecond), stages,
            plainAt is null ? null : InRunComparison.From(rows, plainAt));
    }

    public string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run {RunDirectory}: {Steps} steps; greedy accuracy {Percent(AccuracyBefore)} → {Percent(AccuracyAfter)}; mean reward step 1 {FirstReward:F3} → last {LastReward:F3}; "
            + $"acceptance length {AcceptanceLength:F2}; {TokensPerSecond:F0} generated tokens/s.");
        text.AppendLine();
        text.AppendLine("| stage | seconds | share of step |");
        text.AppendLine("|---|---|---|");
        var total = StageSeconds["step"];
        foreach (var (stage, seconds) in StageSeconds.Where(kv => kv.Key != "step"))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {stage} | {seconds:F2} | {(total > 0 ? seconds / total : 0):P1} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| step (total) | {total:F2} | 100% |");
        if (PlainSteps is { } c)
        {
            text.AppendLine();
            text.AppendLine(c.Markdown());
        }

        return text.ToString();
    }

    public void Save()
    {
        JsonOutput.Write(Path.Combine(RunDirectory, "summary.json"), this);
        AtomicFile.WriteAllText(Path.Combine(RunDirectory, "summary.md"), Markdown());
    }

    private static string Percent(double? value) => value is { } v ? v.ToString("P1", CultureInfo.InvariantCulture) : "(not evaluated)";

    public void Print() => Console.WriteLine(Markdown());
}
