using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;
using RlSpec.Trainer.Runs;
using Spectre.Console;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// <c>rlspec bench load</c>: writes a random checkpoint of Llama-3.2-1B's shape (1.24B parameters, bf16, HF layout)
/// and loads it in a fresh child process, which reports load seconds and its peak resident memory (VmHWM), so the
/// writer's memory does not count. A benchmark, not a test: the target is peak RSS ≤ 1.3x the parameters' bytes.
/// </summary>
public static class BenchLoadCommand
{
    public const double Target = 1.3;

    /// <summary>Llama-3.2-1B's shape: 16 layers, hidden 2048, 32 query / 8 KV heads, SwiGLU 8192, 128,256-token tied embeddings.</summary>
    public static readonly PolicyConfig Llama32OneB = new(
        VocabSize: 128256, HiddenSize: 2048, NumLayers: 16, NumHeads: 32, NumKvHeads: 8, IntermediateSize: 8192,
        RopeTheta: 500000, MaxPositions: 131072, RmsNormEps: 1e-5, TieEmbeddings: true,
        RopeScaling: new RopeScaling(Factor: 32, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositions: 8192));

    public static Command Create()
    {
        var directory = new Option<string?>("--dir") { Description = "Where to write the checkpoint and keep it; one already there is reused (default: a temporary directory, removed afterwards)" };
        var stored = new Option<string>("--stored-dtype") { Description = "dtype the checkpoint is written in", DefaultValueFactory = _ => "bfloat16" };
        var dtype = CommonOptions.DType();
        var json = new Option<string?>("--json") { Description = "Also write the result as JSON to this path" };
        var command = new Command("load", "Write a random 1.24B-parameter checkpoint and measure loading it: seconds and peak RSS (child process).")
        {
            directory, stored, dtype, json,
        };
        command.SetAction(parse =>
        {
            var storedType = ModelDType.Parse(parse.GetValue(stored)!, "--stored-dtype", trainable: true);
            var wanted = parse.GetValue(dtype)!;
            ModelDType.Parse(wanted, "--dtype");
            var dir = parse.GetValue(directory) ?? Directory.CreateTempSubdirectory("rlspec-bench-load-").FullName;
            try
            {
                if (File.Exists(Path.Combine(dir, "config.json")))
                {
                    Console.WriteLine($"reusing the checkpoint in {dir}; loading it in a child process as {wanted}");
                }
                else
                {
                    var write = Stopwatch.StartNew();
                    WriteRandomCheckpoint(dir, storedType);
                    Console.WriteLine($"wrote {dir} ({ModelDType.Name(storedType)}) in {write.Elapsed.TotalSeconds:F1} s; loading it in a child process as {wanted}");
                }

                var result = MeasureInChild(dir, wanted);
                var table = new Table().AddColumn("what").AddColumn("value");
                table.AddRow("parameters", result.Parameters.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow($"parameter bytes ({wanted})", $"{result.ParameterBytes / 1e9:F3} GB");
                table.AddRow("load seconds", $"{result.Seconds:F2}");
                table.AddRow("peak RSS (VmHWM)", $"{result.PeakResidentBytes / 1e9:F3} GB");
                table.AddRow("peak RSS / parameter bytes", $"{result.Ratio:F3} (target ≤ {Target})");
                AnsiConsole.Write(table);
                if (parse.GetValue(json) is { } path)
                {
                    JsonOutput.Write(path, result);
                }

                return 0;
            }
            finally
            {
                if (parse.GetValue(directory) is null)
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
        });
        return command;
    }

    /// <summary>The child side: <c>rlspec bench load-child DIR --dtype X</c> loads and prints one JSON line.</summary>
    public static Command CreateChild()
    {
        var directory = new Argument<string>("directory");
        var dtype = CommonOptions.DType();
        var command = new Command("load-child", "Internal: load DIR and print seconds and peak RSS as JSON (run by 'bench load').") { directory, dtype };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var wanted = ModelDType.Parse(parse.GetValue(dtype)!, "--dtype");
            var clock = Stopwatch.StartNew();
            var (model, _) = PolicyCheckpoint.Load(parse.GetValue(directory)!, torch.CPU, wanted);
            var seconds = clock.Elapsed.TotalSeconds;
            var parameters = model.parameters().Sum(p => p.numel());
            var bytes = model.parameters().Sum(p => p.numel() * p.element_size());
            Console.WriteLine(JsonSerializer.Serialize(new LoadResult(parameters, bytes, seconds, PeakResidentBytes())));
            return 0;
        });
        return command;
    }

    /// <summary>What one load cost.</summary>
    public sealed record LoadResult(long Parameters, long ParameterBytes, double Seconds, long PeakResidentBytes)
    {
        public double Ratio => (double)PeakResidentBytes / ParameterBytes;
    }

    private static void WriteRandomCheckpoint(string dir, torch.ScalarType dtype)
    {
        using (var model = new PolicyModel(Llama32OneB, dtype))
        {
            PolicyCheckpoint.Save(dir, model, TextTokenizer.ForCharacters("0123456789+-=,A: "));
        }

        GC.Collect();
    }

    private static LoadResult MeasureInChild(string dir, string dtype)
    {
        // Under `dotnet rlspec.dll` the process is dotnet and the entry assembly is the first argument.
        var self = Environment.ProcessPath!;
        List<string> args = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [Assembly.GetEntryAssembly()!.Location] : [];
        args.AddRange(["bench", "load-child", dir, "--dtype", dtype]);
        var start = new ProcessStartInfo(self, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var child = Process.Start(start)!;
        var errors = child.StandardError.ReadToEndAsync();
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidDataException($"loading {dir} in a child process failed (exit {child.ExitCode}): {errors.Result.Trim()}");
        }

        return JsonSerializer.Deserialize<LoadResult>(output.Trim().Split('\n')[^1])!;
    }

    /// <summary>VmHWM from /proc/self/status: the most resident memory this process has had.</summary>
    private static long PeakResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
