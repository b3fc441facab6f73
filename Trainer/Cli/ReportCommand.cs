using System.CommandLine;
using RlSpec.Trainer.Reports;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec report RUN_DIR… [--out DIR]</c>: figures and a markdown page comparing runs, those that differ
/// only in seed grouped (mean and spread).</summary>
public static class ReportCommand
{
    public const string DefaultFolder = "report";

    public static Command Create()
    {
        var runs = new Argument<string[]>("run-dirs") { Description = "Run directories (each with metrics.csv)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = $"Report directory (default: RUN_DIR/{DefaultFolder} for one run; required for several)" };
        var command = new Command("report", "PNG figures and report.md for one or more runs: reward and accuracy curves, acceptance, stage shares, tokens/s.")
        {
            runs, output,
        };
        command.SetAction(parse =>
        {
            var dirs = parse.GetValue(runs)!;
            var outDir = parse.GetValue(output) ?? (dirs.Length == 1 ? Path.Combine(dirs[0], DefaultFolder)
                : throw new ArgumentException("report: with several run directories, pass --out DIR."));
            Write(dirs, outDir, ConsoleLog.For("report"));
            return 0;
        });
        return command;
    }

    /// <summary>Loads, checks and writes; throws (writing nothing) on a bad run directory.</summary>
    public static ReportData Write(IReadOnlyList<string> runDirs, string outDir, IProgress<string> log)
    {
        var data = ReportData.Load(runDirs);
        var files = ReportWriter.Write(data, outDir);
        log.Report($"{data.Runs.Count} run(s) in {data.Groups.Count} group(s) ({string.Join("; ", data.Groups.Select(g => $"{g.Label}: n={g.Runs.Count}"))}); "
            + $"wrote {Path.Combine(outDir, ReportWriter.MarkdownFile)} and {files.Count - 1} figures");
        return data;
    }
}
