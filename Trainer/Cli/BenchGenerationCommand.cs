using System.CommandLine;
using RlSpec.Policy.Runtime;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Benchmarks;
using RlSpec.Rollout.Evaluation;
using RlSpec.Rollout.Generation;
using RlSpec.Trainer.Runs;
using RlSpec.Trainer.Training;
using Spectre.Console;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec bench generation</c>: plain vs speculative generation throughput per drafter and batch size.</summary>
public static class BenchGenerationCommand
{
    public static Command Create()
    {
        var checkpoint = CommonOptions.Checkpoint(required: true);
        var draftCheckpoint = new Option<string?>("--drafter-checkpoint") { Description = "Trained draft model (without it the draft-model rows are skipped)" };
        var drafters = new Option<string>("--drafter") { Description = "Comma list of drafters (draft-model, eagle and chunk rows need trained ones: --drafter-checkpoint, <checkpoint>/eagle, <checkpoint>/chunk)", DefaultValueFactory = _ => "ngram,draft-model,eagle,chunk" };
        var batches = new Option<string>("--batch") { Description = "Comma list of batch sizes (the last is the RL group batch)", DefaultValueFactory = _ => "1,8,64" };
        var draftTokens = new Option<int>("--draft-tokens") { Description = "k", DefaultValueFactory = _ => 4 };
        var adaptive = new Option<string>("--adaptive") { Description = "on, off or both", DefaultValueFactory = _ => "both" };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature (0 = greedy)", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int>("--top-k") { Description = "Top-k filter (0 = off)", DefaultValueFactory = _ => 0 };
        var topP = new Option<double>("--top-p") { Description = "Top-p filter (1 = off)", DefaultValueFactory = _ => 1.0 };
        var maxTokens = new Option<int>("--max-new-tokens") { Description = "Completion budget per sequence", DefaultValueFactory = _ => 96 };
        var repeats = new Option<int>("--repeats") { Description = "Interleaved repeats (median reported)", DefaultValueFactory = _ => 5 };
        var json = new Option<string?>("--json") { Description = "Write the rows as JSON here" };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dtype = CommonOptions.DType();
        var command = new Command("generation", "Plain vs speculative generation: tokens/s, speedup, acceptance and cost ratios.")
        {
            checkpoint, draftCheckpoint, drafters, batches, draftTokens, adaptive, temperature, topK, topP, maxTokens, repeats, json, seed, device, threads, dtype,
        };
        command.SetAction(parse =>
        {
            var dev = RuntimeSetup.Apply(parse.GetValue(device)!, parse.GetValue(threads));
            var (policy, tokenizer) = PolicySource.Load(parse.GetValue(checkpoint), dev, parse.GetValue(seed), 0.02, parse.GetValue(dtype)!);
            var factory = new DrafterFactory(policy, tokenizer, parse.GetValue(draftCheckpoint), parse.GetValue(seed), parse.GetValue(checkpoint));
            var names = parse.GetValue(drafters)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(n => (n != "draft-model" || factory.HasTrainedDraft) && (n is not ("eagle" or "chunk") || factory.HasTrainedHead(n))).ToList();
            var modes = parse.GetValue(adaptive) switch
            {
                "on" => new[] { true },
                "off" => [false],
                "both" => [false, true],
                var other => throw new ArgumentException($"--adaptive must be on, off or both, got '{other}'."),
            };
            var prompts = new ArithmeticTask(new ArithmeticTaskConfig()).Examples(TaskEvaluator.HeldOutSeed).Take(256)
                .Select(e => PromptFormat.Prompt(tokenizer, e.Prompt)).ToList();
            var options = new GenerationOptions(parse.GetValue(maxTokens), new SamplingParams(parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP)).Validated());
            var bench = new GenerationBenchmark(policy, tokenizer, prompts, options);
            var log = ConsoleLog.For("bench generation");
            var rows = new List<GenerationBenchmarkRow>();
            foreach (var b in ListParsing.Ints("--batch", parse.GetValue(batches)!))
            {
                log.Report($"batch {b}: AR vs {string.Join(", ", names)} ({parse.GetValue(repeats)} interleaved repeats)");
                rows.AddRange(bench.Run(b, names.Select(factory.Create).ToList(), parse.GetValue(draftTokens), modes, parse.GetValue(repeats), (ulong)parse.GetValue(seed)));
            }

            Print(rows);
            if (parse.GetValue(json) is { } path)
            {
                JsonOutput.Write(path, new { rows });
            }

            return 0;
        });
        return command;
    }

    private static void Print(IEnumerable<GenerationBenchmarkRow> rows)
    {
        var table = new Table().AddColumns("drafter", "batch", "k", "adaptive", "tokens/s", "speedup", "acc. len", "acc. rate", "verify/decode", "draft/decode", "bound", "draft|verify|sample|book %", "accepted by position");
        foreach (var r in rows)
        {
            table.AddRow(r.Drafter, $"{r.Batch}", $"{r.DraftTokens}", r.Adaptive ? "on" : "off", $"{r.TokensPerS:F0}", $"{r.SpeedupVsAr:F2}x", $"{r.AcceptanceLength:F2}",
                $"{r.AcceptanceRate:F2}", $"{r.VerifyCostRatio:F2}", $"{r.DraftCostRatio:F2}", double.IsNaN(r.BoundSpeedup) ? "—" : $"{r.BoundSpeedup:F2}x",
                $"{100 * r.DraftShare:F0}|{100 * r.VerifyShare:F0}|{100 * r.SamplingShare:F0}|{100 * r.BookkeepingShare:F0}",
                string.Join(" ", r.AcceptanceByPosition.Select(a => $"{a:F2}")));
        }

        AnsiConsole.Write(table);
    }
}
