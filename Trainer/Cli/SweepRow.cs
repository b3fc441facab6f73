using System.Globalization;
using RlSpec.Trainer.Reports;
using RlSpec.Trainer.Runs;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Cli;

/// <summary>One run of a sweep, reduced to the numbers compared across runs.</summary>
public sealed record SweepRow(IReadOnlyList<KeyValuePair<string, string>> Point, string RunDirectory, TrainingSummary? Summary,
    double FinalRewardMean, double MeanStepSeconds, double MeanGenerationSeconds, string? Error, int Steps)
{
    public static readonly string[] Columns =
        ["run_dir", "accuracy_before", "accuracy_after", "first_reward", "final_reward_mean", "acceptance_length", "tokens_per_s", "step_s", "generation_s", "error"];

    public static SweepRow From(IReadOnlyList<KeyValuePair<string, string>> point, string dir, TrainingSummary? summary, IReadOnlyList<StepMetrics> metrics, string? error)
    {
        // The report's definition of "final", so a sweep table and its report agree.
        var tail = RunStats.FinalWindow(metrics.Count).Select(i => metrics[i]).ToList();
        return new SweepRow(point, dir, summary, tail.Count == 0 ? double.NaN : tail.Average(m => m.RewardMean),
            metrics.Count == 0 ? double.NaN : metrics.Average(m => m.StepSeconds), metrics.Count == 0 ? double.NaN : metrics.Average(m => m.GenerationSeconds), error, metrics.Count);
    }

    public IEnumerable<string> Fields() =>
    [
        RunDirectory, F(Summary?.AccuracyBefore), F(Summary?.AccuracyAfter), F(Summary?.FirstReward), F(FinalRewardMean), F(Summary?.AcceptanceLength),
        F(Summary?.TokensPerSecond, "F0"), F(MeanStepSeconds, "F2"), F(MeanGenerationSeconds, "F2"), Error?.ReplaceLineEndings(" ") ?? "",
    ];

    private static string F(double? value, string format = "F3") => value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "";
}
