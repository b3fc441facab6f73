namespace RlSpec.Trainer.Reports;

/// <summary>The stages of a step as <c>metrics.csv</c> names them, in pipeline order, with the paper's names.</summary>
public static class StageTimes
{
    public static readonly (string Column, string Label)[] Stages =
    [
        ("data_seconds", "data"),
        ("prepare_seconds", "prepare (weight sync)"),
        ("generation_seconds", "generation"),
        ("logprob_seconds", "log-prob recompute"),
        ("train_seconds", "train"),
        ("align_seconds", "drafter align"),
    ];

    public const string OtherLabel = "other";

    /// <summary>Mean seconds per stage over <paramref name="rows"/> of a run, plus "other" (step time no stage accounts
    /// for: bookkeeping, metrics and checkpoint writes; 0 where stages overlap, as in the async pipeline).</summary>
    public static Dictionary<string, double> MeanSeconds(MetricsTable metrics, IReadOnlyList<int> rows)
    {
        var means = new Dictionary<string, double>();
        foreach (var (column, label) in Stages)
        {
            var values = metrics.Numbers(column);
            means[label] = rows.Count == 0 ? double.NaN : rows.Average(r => double.IsNaN(values[r]) ? 0 : values[r]);
        }

        var step = metrics.Numbers("step_seconds");
        var stepMean = rows.Count == 0 ? double.NaN : rows.Average(r => step[r]);
        means[OtherLabel] = Math.Max(0, stepMean - Stages.Sum(s => means[s.Label]));
        return means;
    }

    /// <summary>Each stage's share of the step; where stages overlap (async) their sum exceeds the step, and shares are
    /// of that sum instead, so the bars always add to 100 %.</summary>
    public static Dictionary<string, double> Shares(IReadOnlyDictionary<string, double> seconds, double stepSeconds)
    {
        var total = Math.Max(stepSeconds, seconds.Values.Where(v => !double.IsNaN(v)).Sum());
        return seconds.ToDictionary(kv => kv.Key, kv => total > 0 ? kv.Value / total : double.NaN);
    }

    public static IEnumerable<string> Labels => Stages.Select(s => s.Label).Append(OtherLabel);
}
