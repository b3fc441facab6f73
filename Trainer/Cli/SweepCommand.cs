using System.CommandLine;
using System.Globalization;
using System.Text;
using CsvHelper;
using RlSpec.Policy.Checkpoints;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Quickstart;
using RlSpec.Trainer.Reports;
using RlSpec.Trainer.Runs;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// <c>rlspec sweep CONFIG --grid key=v1,v2 … --out DIR</c>: one run per point of the grid's cartesian product
/// (each in DIR/NNN-key=value…), then one summary table (CSV and Markdown) with the final metrics of every run.
/// A point whose run fails is reported in the table and the sweep goes on. At the end, points that differ only in
/// <c>seed</c> are grouped (mean ± sd) and <c>rlspec report</c> draws every finished run into DIR/report.
/// </summary>
public static class SweepCommand
{
    public static Command Create()
    {
        var config = new Argument<string?>("config") { Description = "YAML base config of every run", Arity = ArgumentArity.ZeroOrOne };
        var grid = new Option<string[]>("--grid") { Description = "A swept key and its values, e.g. --grid speculation.drafter=eagle,ngram (repeatable)", Required = true };
        var sets = new Option<string[]>("--set") { Description = "Override a config key in every run (repeatable)" };
        var output = new Option<string>("--out") { Description = "Sweep directory (new or empty)", Required = true };
        var device = CommonOptions.DeviceOverride();
        var threads = CommonOptions.ThreadsOverride();
        var command = new Command("sweep", "Run a grid of configs and tabulate their results.") { config, grid, sets, output, device, threads };
        command.SetAction(parse =>
        {
            var outDir = parse.GetValue(output)!;
            RunDirectory.EnsureFreshCheckpointTarget(outDir);
            var axes = Axes(parse.GetValue(grid)!);
            var points = Expand(axes);
            string[] shared = [.. parse.GetValue(sets) ?? [], .. CommonOptions.Overrides(parse, device, threads)];
            // Validate every point before running any, so a typo fails in seconds, not hours.
            var configs = points.Select((point, i) =>
            {
                var dir = Path.Combine(outDir, $"{i:D3}-{Slug(point)}");
                var run = ConfigLoader.Load(parse.GetValue(config), [.. shared, .. point.Select(kv => $"{kv.Key}={kv.Value}"), $"logging.run_dir={dir}"]);
                return (Point: point, Dir: dir, Config: run);
            }).ToList();
            Directory.CreateDirectory(outDir);
            var log = ConsoleLog.For("sweep");
            var rows = new List<SweepRow>();
            foreach (var (point, dir, runConfig) in configs)
            {
                log.Report($"run {rows.Count + 1}/{configs.Count}: {string.Join(" ", point.Select(kv => $"{kv.Key}={kv.Value}"))}");
                try
                {
                    var summary = TrainCommand.Fresh(runConfig);
                    var metrics = MetricsLog.Read(Path.Combine(dir, MetricsLog.FileName));
                    rows.Add(SweepRow.From(point, dir, summary, metrics, null));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    log.Report($"run failed: {e.Message}");
                    rows.Add(SweepRow.From(point, dir, null, [], e.Message));
                }

                Write(outDir, axes.Keys.ToList(), rows);
            }

            log.Report($"wrote {Path.Combine(outDir, "sweep.csv")} and sweep.md; final_reward_mean is {RunStats.FinalWindowText}");
            var finished = rows.Where(r => r.Error is null).Select(r => r.RunDirectory).ToList();
            if (finished.Count > 0)
            {
                try
                {
                    ReportCommand.Write(finished, Path.Combine(outDir, ReportCommand.DefaultFolder), log);
                }
                catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException)
                {
                    // The runs and tables are the sweep's result; a report that cannot be drawn should not fail it.
                    log.Report($"report not written: {e.Message}");
                }
            }

            return rows.All(r => r.Error is null) ? 0 : 1;
        });
        return command;
    }

    private static Dictionary<string, string[]> Axes(IEnumerable<string> specs)
    {
        var axes = new Dictionary<string, string[]>();
        foreach (var spec in specs)
        {
            var equals = spec.IndexOf('=', StringComparison.Ordinal);
            var values = equals > 0 ? spec[(equals + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];
            if (values.Length == 0)
            {
                throw new ArgumentException($"--grid '{spec}': expected key=value1,value2,…");
            }

            axes[spec[..equals].Trim()] = values;
        }

        return axes;
    }

    private static List<IReadOnlyList<KeyValuePair<string, string>>> Expand(Dictionary<string, string[]> axes) =>
        axes.Aggregate(new List<IReadOnlyList<KeyValuePair<string, string>>> { Array.Empty<KeyValuePair<string, string>>() },
            (points, axis) => points.SelectMany(p => axis.Value.Select(v => (IReadOnlyList<KeyValuePair<string, string>>)[.. p, new(axis.Key, v)])).ToList());

    private static string Slug(IEnumerable<KeyValuePair<string, string>> point) =>
        string.Join("_", point.Select(kv => $"{kv.Key.Split('.')[^1]}={kv.Value}")).Replace('/', '-');

    private static void Write(string outDir, List<string> keys, List<SweepRow> rows)
    {
        AtomicFile.Write(Path.Combine(outDir, "sweep.csv"), stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
            foreach (var header in keys.Concat(SweepRow.Columns))
            {
                csv.WriteField(header);
            }

            csv.NextRecord();
            foreach (var row in rows)
            {
                foreach (var field in keys.Select(k => row.Point.First(kv => kv.Key == k).Value).Concat(row.Fields()))
                {
                    csv.WriteField(field);
                }

                csv.NextRecord();
            }
        });
        var md = new StringBuilder();
        md.AppendLine("| " + string.Join(" | ", keys.Concat(SweepRow.Columns)) + " |");
        md.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", keys.Count + SweepRow.Columns.Length)));
        foreach (var row in rows)
        {
            md.AppendLine("| " + string.Join(" | ", keys.Select(k => row.Point.First(kv => kv.Key == k).Value).Concat(row.Fields())) + " |");
        }

        md.AppendLine();
        var windows = rows.Where(r => r.Steps > 0).Select(r => r.Steps).Distinct()
            .Select(n => RunStats.FinalWindow(n)[0] + 1 == n ? $"step {n} of {n}" : $"steps {RunStats.FinalWindow(n)[0] + 1}–{n} of {n}");
        md.AppendLine($"`final_reward_mean` is {RunStats.FinalWindowText} (per run: {string.Join(", ", windows)}); `step_s` and `generation_s` average every step.");
        var grouped = SweepGroups.Markdown(keys, rows);
        if (grouped.Length > 0)
        {
            md.AppendLine();
            md.AppendLine("Over seeds (mean ± sample sd; failed runs left out):");
            md.AppendLine();
            md.Append(grouped);
        }

        if (rows.Any(r => r.Error is null))
        {
            md.AppendLine();
            md.AppendLine($"Figures: [{ReportCommand.DefaultFolder}/{Reports.ReportWriter.MarkdownFile}]({ReportCommand.DefaultFolder}/{Reports.ReportWriter.MarkdownFile}) (written when the sweep ends).");
        }

        AtomicFile.WriteAllText(Path.Combine(outDir, "sweep.md"), md.ToString());
    }
}
