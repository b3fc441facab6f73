using System.Globalization;
using System.Text;

namespace RlSpec.Trainer.Reports;

/// <summary>The report's <c>report.md</c>: tables of every number the figures show, so the page reads without them.</summary>
public static class ReportMarkdown
{
    public static string Render(ReportData data)
    {
        var md = new StringBuilder();
        var runs = data.Runs;
        md.AppendLine("# RlSpec report");
        md.AppendLine();
        md.AppendLine($"{runs.Count} run{(runs.Count == 1 ? "" : "s")} in {data.Groups.Count} group{(data.Groups.Count == 1 ? "" : "s")}: runs whose configs differ only in "
            + $"`seed` form one group, shown as mean ± sample sd over its runs{(data.GroupKeys.Count > 0 ? $"; groups differ in {string.Join(", ", data.GroupKeys.Select(k => $"`{k}`"))}" : "")}. "
            + $"*Final reward* is {RunStats.FinalWindowText} (final accuracy likewise, over the rollouts' `accuracy`). "
            + "Times and tokens/s average every step but the first, which pays start-up costs.");
        md.AppendLine();
        md.AppendLine("## Runs");
        md.AppendLine();
        md.AppendLine("| run | group | seed | steps | final reward | final accuracy | greedy accuracy before → after | acceptance length | tokens/s | step s | drafter alarms |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
        {
            var group = data.Groups.First(g => g.Runs.Contains(r)).Label;
            md.AppendLine(Inv($"| {r.Run.Name} | {group} | {r.Run.Seed ?? "?"} | {r.Steps} | {F(r.FinalReward)} | {F(r.FinalAccuracy)} | {P(r.Run.AccuracyBefore)} → {P(r.Run.AccuracyAfter)} | {F(r.AcceptanceLength, "F2")} | {F(r.TokensPerSecond, "F0")} | {F(r.StepSeconds, "F2")} | {Alarms(r.AlarmSteps)} |"));
        }

        md.AppendLine();
        md.AppendLine("## Groups");
        md.AppendLine();
        md.AppendLine("| group | runs | seeds | final reward | final accuracy | greedy accuracy after | acceptance length | tokens/s | step s |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var g in data.Groups)
        {
            md.AppendLine(Inv($"| {g.Label} | {g.Runs.Count} | {string.Join(", ", g.Seeds)} | {g.FinalReward.Format()} | {g.FinalAccuracy.Format()} | {g.AccuracyAfter.Format()} | {g.AcceptanceLength.Format("F2")} | {g.TokensPerSecond.Format("F0")} | {g.StepSeconds.Format("F2")} |"));
        }

        md.AppendLine();
        md.AppendLine($"![reward per step]({ReportPlots.Reward})");
        md.AppendLine();
        md.AppendLine($"![rollout accuracy per step]({ReportPlots.Accuracy})");
        md.AppendLine();
        StageTable(md, data);
        Speculation(md, data);
        md.AppendLine("## Throughput");
        md.AppendLine();
        md.AppendLine($"![generated tokens per second]({ReportPlots.TokensPerSecond})");
        return md.ToString();
    }

    private static void StageTable(StringBuilder md, ReportData data)
    {
        md.AppendLine("## Where a step's time goes");
        md.AppendLine();
        md.AppendLine("Mean seconds per step and share of the step (in the async pipeline stages overlap; shares are then of their sum). "
            + "*other* is step time no stage accounts for (metrics, rollout log, checkpoints).");
        md.AppendLine();
        var labels = StageTimes.Labels.ToList();
        md.AppendLine("| group | " + string.Join(" | ", labels) + " | step s |");
        md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", labels.Count + 1)));
        foreach (var g in data.Groups)
        {
            var seconds = g.StageSeconds;
            var shares = StageTimes.Shares(seconds, g.StepSeconds.Mean);
            md.AppendLine(Inv($"| {g.Label} | {string.Join(" | ", labels.Select(l => $"{F(seconds[l], "F3")} ({F(shares[l] * 100, "F0")} %)"))} | {g.StepSeconds.Format("F2")} |"));
        }

        md.AppendLine();
        md.AppendLine($"![stage shares]({ReportPlots.StageShares})");
        md.AppendLine();
    }

    private static void Speculation(StringBuilder md, ReportData data)
    {
        md.AppendLine("## Speculation");
        md.AppendLine();
        var speculative = data.Groups.Where(g => g.Speculative).ToList();
        if (speculative.Count == 0)
        {
            md.AppendLine("No run drafted (speculation off), so there is no acceptance to show.");
            md.AppendLine();
            return;
        }

        md.AppendLine($"![acceptance length per step]({ReportPlots.AcceptanceLength})");
        md.AppendLine();
        var withColumn = data.Runs.Where(r => r.AlarmSteps is not null).ToList();
        md.AppendLine(withColumn.Count == 0
            ? "Drafter alarms: these runs' metrics have no `drafter_alarm` column (written by newer versions), so none are marked."
            : withColumn.All(r => r.AlarmSteps!.Count == 0)
                ? "Drafter alarms: none."
                : "Drafter alarms (red x on the figure): " + string.Join("; ", withColumn.Where(r => r.AlarmSteps!.Count > 0).Select(r => $"{r.Run.Name} at steps {Alarms(r.AlarmSteps)}")) + ".");
        md.AppendLine();
        md.AppendLine("Acceptance by draft position: position i is *reached* when drafts 1..i−1 were accepted; "
            + "P(accept | reached) is the drafter's hit rate at that depth, P(accept) the share of all position-i drafts accepted.");
        md.AppendLine();
        foreach (var g in speculative)
        {
            var p = g.Positions;
            var source = string.Join(", ", g.Runs.Select(r => r.Run.Rollouts.Source).Where(s => s != "none").Distinct());
            md.AppendLine(Inv($"**{g.Label}** ({g.Runs.Sum(r => r.Run.Rollouts.Samples)} samples; from {(source.Length == 0 ? "no rollout log" : source)})"));
            md.AppendLine();
            if (p.IsEmpty)
            {
                md.AppendLine("No rollout log with draft counts (`logging.rollout_log: false`?).");
                md.AppendLine();
                continue;
            }

            md.AppendLine("| position | reached | accepted | P(accept given reached) | drafted | P(accept) |");
            md.AppendLine("|---|---|---|---|---|---|");
            for (var i = 1; i <= p.Positions; i++)
            {
                md.AppendLine(Inv($"| {i} | {p.Reached[i - 1]} | {p.Accepted[i - 1]} | {F(p.ReachedRate(i))} | {(p.Drafted[i - 1] == 0 ? "–" : p.Drafted[i - 1].ToString(CultureInfo.InvariantCulture))} | {F(p.DraftedRate(i))} |"));
            }

            md.AppendLine();
        }

        md.AppendLine($"![acceptance by draft position]({ReportPlots.AcceptanceByPosition})");
        md.AppendLine();
    }

    private static string Alarms(IReadOnlyList<int>? steps) => steps switch
    {
        null => "–",
        { Count: 0 } => "none",
        _ => string.Join(", ", steps),
    };

    private static string F(double value, string format = "F3") => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string P(double? value) => value is { } v ? v.ToString("P1", CultureInfo.InvariantCulture) : "–";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
