using System.Text;
using RlSpec.Trainer.Reports;

namespace RlSpec.Trainer.Cli;

/// <summary>A sweep's points grouped over the <c>seed</c> axis: each setting's numbers as mean ± sd over its seeds.</summary>
public static class SweepGroups
{
    public const string SeedKey = "seed";

    /// <summary>The markdown table (empty when no point shares its setting with another, i.e. nothing to group).</summary>
    public static string Markdown(IReadOnlyList<string> keys, IReadOnlyList<SweepRow> rows)
    {
        var settingKeys = keys.Where(k => k != SeedKey).ToList();
        var groups = rows.Where(r => r.Error is null)
            .GroupBy(r => string.Join(" ", settingKeys.Select(k => $"{k}={r.Point.First(kv => kv.Key == k).Value}")))
            .ToList();
        if (groups.All(g => g.Count() < 2))
        {
            return "";
        }

        var md = new StringBuilder();
        md.AppendLine("| " + string.Join(" | ", settingKeys) + (settingKeys.Count == 0 ? "setting" : "") + " | runs | final_reward_mean | accuracy_after | acceptance_length | tokens_per_s | step_s |");
        md.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", Math.Max(1, settingKeys.Count) + 6)));
        foreach (var g in groups)
        {
            var first = g.First();
            var setting = settingKeys.Count == 0 ? ["all"] : settingKeys.Select(k => first.Point.First(kv => kv.Key == k).Value);
            md.AppendLine("| " + string.Join(" | ", setting) + $" | {g.Count()} | {MeanSd.Of(g.Select(r => r.FinalRewardMean)).Format()} | "
                + $"{MeanSd.Of(g.Select(r => r.Summary?.AccuracyAfter ?? double.NaN)).Format()} | {MeanSd.Of(g.Select(r => r.Summary?.AcceptanceLength ?? double.NaN)).Format("F2")} | "
                + $"{MeanSd.Of(g.Select(r => r.Summary?.TokensPerSecond ?? double.NaN)).Format("F0")} | {MeanSd.Of(g.Select(r => r.MeanStepSeconds)).Format("F2")} |");
        }

        return md.ToString();
    }
}
