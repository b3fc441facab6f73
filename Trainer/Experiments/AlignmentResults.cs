using System.Globalization;
using System.Text;
using CsvHelper;
using RlSpec.Policy.Checkpoints;

namespace RlSpec.Trainer.Experiments;

/// <summary>Writes the alignment experiment's table (CSV and Markdown) and its plot (PNG).</summary>
public static class AlignmentResults
{
    public static void Write(string directory, IReadOnlyList<AlignmentStageRow> rows)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.Write(Path.Combine(directory, "alignment.csv"), stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
            csv.WriteRecords(rows);
        });
        AtomicFile.WriteAllText(Path.Combine(directory, "alignment.md"), Markdown(rows));
        Plot(rows).SavePng(Path.Combine(directory, "alignment.png"), 900, 520);
    }

    /// <summary>Rows back from an <c>alignment.csv</c> (to re-render tables and plots).</summary>
    public static List<AlignmentStageRow> Read(string csvPath)
    {
        using var reader = new StreamReader(csvPath);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        return csv.GetRecords<AlignmentStageRow>().ToList();
    }

    public static string Markdown(IReadOnlyList<AlignmentStageRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| stage | shifted format | accuracy | frozen (a) | online (b) | retrained (c) | gap (c−b)/c | generation s | capture s | align s | alignment cost |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Stage} | {r.ShiftedFormatShare:P0} | {r.Accuracy:P1} | {r.Frozen:F2} | {r.Online:F2} | {r.Retrained:F2} | {r.OnlineGapToRetrained:P1} | {r.GenerationSeconds:F2} | {r.CaptureSeconds:F2} | {r.AlignSeconds:F2} | {r.AlignmentCostShare:P1} |");
        }

        var later = rows.Where(r => r.Stage > 0).ToList();
        if (later.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Over stages 1–{later[^1].Stage}: mean acceptance length frozen {later.Average(r => r.Frozen):F2}, online {later.Average(r => r.Online):F2}, retrained {later.Average(r => r.Retrained):F2}; "
                + $"mean gap (c−b)/c {later.Average(r => r.OnlineGapToRetrained):P1}; alignment cost {later.Sum(r => r.CaptureSeconds + r.AlignSeconds):F1}s = {later.Sum(r => r.CaptureSeconds + r.AlignSeconds) / later.Sum(r => r.GenerationSeconds):P1} of generation {later.Sum(r => r.GenerationSeconds):F1}s.");
        }

        return text.ToString();
    }

    private static ScottPlot.Plot Plot(IReadOnlyList<AlignmentStageRow> rows)
    {
        var plot = new ScottPlot.Plot();
        var stages = rows.Select(r => (double)r.Stage).ToArray();
        foreach (var (label, values) in new[]
        {
            ("(a) frozen", rows.Select(r => r.Frozen)),
            ("(b) online, from cached states", rows.Select(r => r.Online)),
            ("(c) retrained from scratch", rows.Select(r => r.Retrained)),
        })
        {
            var line = plot.Add.Scatter(stages, values.ToArray());
            line.LegendText = label;
        }

        if (rows.Any(r => r.ShiftedFormatShare > 0))
        {
            var shifted = plot.Add.Scatter(stages, rows.Select(r => 1 + (r.ShiftedFormatShare * 4)).ToArray());
            shifted.LegendText = "policy shift (1 + 4 × share in new format)";
            shifted.LinePattern = ScottPlot.LinePattern.Dashed;
        }

        plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
        plot.Title("EAGLE drafter acceptance length (k=4) while the policy changes");
        plot.XLabel("policy stage (fine-tuning rounds since the drafter was trained)");
        plot.YLabel("acceptance length (tokens per verify step)");
        plot.Axes.SetLimitsY(0, 5.2);
        return plot;
    }
}
