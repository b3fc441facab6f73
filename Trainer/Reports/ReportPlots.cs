using ScottPlot;

namespace RlSpec.Trainer.Reports;

/// <summary>The report's figures (ScottPlot PNGs). Only draws: every number comes from <see cref="ReportData"/>.</summary>
public static class ReportPlots
{
    public const string Reward = "reward.png";
    public const string Accuracy = "accuracy.png";
    public const string AcceptanceLength = "acceptance-length.png";
    public const string StageShares = "stage-shares.png";
    public const string TokensPerSecond = "tokens-per-second.png";
    public const string AcceptanceByPosition = "acceptance-by-position.png";

    /// <summary>Every figure a report may draw (a rewrite removes those it no longer draws).</summary>
    public static readonly string[] All = [Reward, Accuracy, AcceptanceLength, StageShares, TokensPerSecond, AcceptanceByPosition];

    private const int Width = 900;
    private const int Height = 520;

    /// <summary>Writes the figures into <paramref name="directory"/> and returns their file names.</summary>
    public static List<string> Write(ReportData data, string directory)
    {
        var written = new List<string>();
        void Save(Plot plot, string name)
        {
            plot.SavePng(Path.Combine(directory, name), Width, Height);
            written.Add(name);
        }

        Save(Curves(data.Groups, "reward_mean", "Mean reward per step (band: ± sd over seeds)", "reward", band: true), Reward);
        Save(Curves(data.Groups, "accuracy", "Rollout accuracy per step (band: ± sd over seeds)", "accuracy", band: true), Accuracy);
        Save(Stages(data.Groups), StageShares);
        Save(Curves(data.Groups, "tokens_per_second", "Generated tokens per second", "tokens/s", band: true), TokensPerSecond);
        var speculative = data.Groups.Where(g => g.Speculative).ToList();
        if (speculative.Count > 0)
        {
            Save(Acceptance(data.Runs.Where(r => r.Run.Speculative).ToList()), AcceptanceLength);
            Save(Positions(speculative), AcceptanceByPosition);
        }

        return written;
    }

    private static Color ColorOf(int i) => new ScottPlot.Palettes.Category10().GetColor(i);

    private static Plot Curves(IReadOnlyList<RunGroup> groups, string column, string title, string yLabel, bool band)
    {
        var plot = new Plot();
        for (var g = 0; g < groups.Count; g++)
        {
            var (steps, mean, sd) = groups[g].Curve(column);
            if (steps.Length == 0)
            {
                continue;
            }

            if (band && groups[g].Runs.Count > 1)
            {
                var fill = plot.Add.FillY(steps, mean.Zip(sd, (m, s) => m - s).ToArray(), mean.Zip(sd, (m, s) => m + s).ToArray());
                fill.FillColor = ColorOf(g).WithAlpha(0.2);
                fill.LineColor = Colors.Transparent;
            }

            var line = plot.Add.Scatter(steps, mean);
            line.Color = ColorOf(g);
            line.MarkerSize = steps.Length > 40 ? 0 : 4;
            line.LegendText = $"{groups[g].Label} (n={groups[g].Runs.Count})";
        }

        Finish(plot, title, "step", yLabel);
        return plot;
    }

    private static Plot Acceptance(IReadOnlyList<RunStats> runs)
    {
        var plot = new Plot();
        for (var r = 0; r < runs.Count; r++)
        {
            var steps = runs[r].Run.Steps.Select(s => (double)s).ToArray();
            var values = runs[r].Run.Metrics.Numbers("acceptance_length");
            var line = plot.Add.Scatter(steps, values);
            line.Color = ColorOf(r);
            line.MarkerSize = steps.Length > 40 ? 0 : 4;
            line.LegendText = runs[r].Run.Name;
            if (runs[r].AlarmSteps is { Count: > 0 } alarms)
            {
                var index = runs[r].Run.Steps.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i);
                var xs = alarms.Select(s => (double)s).ToArray();
                var ys = alarms.Select(s => index.TryGetValue(s, out var i) ? values[i] : double.NaN).ToArray();
                var marks = plot.Add.Markers(xs, ys, MarkerShape.Eks, 12, Colors.Red);
                marks.LegendText = $"{runs[r].Run.Name}: drafter alarm";
            }
        }

        Finish(plot, "Acceptance length per step (tokens per verify step; red x = drafter alarm)", "step", "acceptance length");
        return plot;
    }

    private static Plot Stages(IReadOnlyList<RunGroup> groups)
    {
        var plot = new Plot();
        var labels = StageTimes.Labels.ToList();
        var bars = new List<Bar>();
        for (var g = 0; g < groups.Count; g++)
        {
            var shares = StageTimes.Shares(groups[g].StageSeconds, groups[g].StepSeconds.Mean);
            var bottom = 0.0;
            for (var s = 0; s < labels.Count; s++)
            {
                var share = double.IsNaN(shares[labels[s]]) ? 0 : shares[labels[s]] * 100;
                bars.Add(new Bar { Position = g, ValueBase = bottom, Value = bottom + share, FillColor = ColorOf(s) });
                bottom += share;
            }
        }

        plot.Add.Bars(bars);
        for (var s = 0; s < labels.Count; s++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = labels[s], FillColor = ColorOf(s) });
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, groups.Count).Select(g => (double)g).ToArray(),
            groups.Select(g => $"{Wrap(g.Label)}\n{g.StepSeconds.Mean:F2} s/step").ToArray());
        plot.Axes.SetLimitsY(0, 100);
        plot.Axes.SetLimitsX(-0.6, groups.Count - 0.4);
        Finish(plot, "Share of a step per stage", "", "% of step");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static Plot Positions(IReadOnlyList<RunGroup> groups)
    {
        var plot = new Plot();
        for (var g = 0; g < groups.Count; g++)
        {
            var p = groups[g].Positions;
            if (p.IsEmpty)
            {
                continue;
            }

            var xs = Enumerable.Range(1, p.Positions).Select(i => (double)i).ToArray();
            var reached = plot.Add.Scatter(xs, xs.Select(x => p.ReachedRate((int)x)).ToArray());
            reached.Color = ColorOf(g);
            reached.LegendText = $"{groups[g].Label}: P(accept | reached)";
            if (p.Drafted.Any(d => d > 0))
            {
                var drafted = plot.Add.Scatter(xs, xs.Select(x => p.DraftedRate((int)x)).ToArray());
                drafted.Color = ColorOf(g);
                drafted.LinePattern = LinePattern.Dashed;
                drafted.LegendText = $"{groups[g].Label}: P(accept)";
            }
        }

        plot.Axes.SetLimitsY(0, 1.05);
        Finish(plot, "Acceptance by draft position", "draft position", "acceptance rate");
        return plot;
    }

    private static void Finish(Plot plot, string title, string xLabel, string yLabel)
    {
        if (xLabel.Length > 0)
        {
            // Steps and draft positions are whole numbers.
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (plot.Legend.ManualItems.Count > 0 || plot.GetPlottables().Any(p => p.LegendItems.Any(i => !string.IsNullOrEmpty(i.LabelText))))
        {
            plot.ShowLegend(Alignment.LowerRight);
        }
    }

    /// <summary>Breaks a long group label over lines so tick labels do not run into each other.</summary>
    private static string Wrap(string label) => label.Replace(" ", "\n", StringComparison.Ordinal);
}
