using System.CommandLine;
using RlSpec.Policy.Runtime;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Verification;
using Spectre.Console;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec verify-lossless</c>: statistical equivalence of plain and speculative sampling for every case of a grid.</summary>
public static class VerifyLosslessCommand
{
    public static Command Create()
    {
        var checkpoint = CommonOptions.Checkpoint(required: false);
        checkpoint.Description += " (default: a seeded random policy, whose spread-out distributions make the test demanding)";
        var draftCheckpoint = new Option<string?>("--drafter-checkpoint") { Description = "Draft model for --drafter draft-model (default: random one-layer model)" };
        var drafters = new Option<string>("--drafter") { Description = "Comma list of drafters", DefaultValueFactory = _ => string.Join(',', DrafterFactory.Names) };
        var draftTokens = new Option<string>("--draft-tokens") { Description = "Comma list of k", DefaultValueFactory = _ => "4" };
        var temperatures = new Option<string>("--temperature") { Description = "Comma list of temperatures (0 = greedy)", DefaultValueFactory = _ => "0,0.6,1.0" };
        var topKs = new Option<string>("--top-k") { Description = "Comma list of top-k (0 = off)", DefaultValueFactory = _ => "0,8" };
        var topPs = new Option<string>("--top-p") { Description = "Comma list of top-p (1 = off)", DefaultValueFactory = _ => "1.0,0.9" };
        var samples = new Option<int>("--samples") { Description = "Completions per prompt per method", DefaultValueFactory = _ => 2000 };
        var promptCount = new Option<int>("--prompts") { Description = "Distinct prompts", DefaultValueFactory = _ => 2 };
        var json = new Option<string?>("--json") { Description = "Write the results as JSON here" };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dtype = CommonOptions.DType();
        var command = new Command("verify-lossless", "Check that speculative sampling is distributed exactly as plain sampling (chi-square, TV, log-probs).")
        {
            checkpoint, draftCheckpoint, drafters, draftTokens, temperatures, topKs, topPs, samples, promptCount, json, seed, device, threads, dtype,
        };
        command.SetAction(parse =>
        {
            var dev = RuntimeSetup.Apply(parse.GetValue(device)!, parse.GetValue(threads));
            var runSeed = parse.GetValue(seed);
            var (policy, tokenizer) = PolicySource.Load(parse.GetValue(checkpoint), dev, runSeed, randomStd: 0.1, parse.GetValue(dtype)!);
            var factory = new DrafterFactory(policy, tokenizer, parse.GetValue(draftCheckpoint), runSeed, parse.GetValue(checkpoint));
            var prompts = new ArithmeticTask(new ArithmeticTaskConfig()).Examples(runSeed).Take(parse.GetValue(promptCount))
                .Select(e => PromptFormat.Prompt(tokenizer, e.Prompt)).ToList();
            var cases = (from d in parse.GetValue(drafters)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                         from k in ListParsing.Ints("--draft-tokens", parse.GetValue(draftTokens)!)
                         from t in ListParsing.Doubles("--temperature", parse.GetValue(temperatures)!)
                         from topK in ListParsing.Ints("--top-k", parse.GetValue(topKs)!)
                         from topP in ListParsing.Doubles("--top-p", parse.GetValue(topPs)!)
                         select new LosslessnessCase(d, k, t, topK, topP, parse.GetValue(samples))).ToList();

            var check = new LosslessnessCheck(policy, tokenizer, prompts, LosslessnessSettings.For(policy.DType));
            var log = ConsoleLog.For("verify-lossless");
            var measured = new List<LosslessnessCaseResult>();
            foreach (var (c, i) in cases.Select((c, i) => (c, i)))
            {
                var result = check.Run(c, factory.Create(c.Drafter), (ulong)(runSeed + i));
                measured.Add(result);
                log.Report($"case {i + 1}/{cases.Count}: {c.Drafter} k={c.DraftTokens} T={c.Temperature} top_k={c.TopK} top_p={c.TopP}: min p {result.MinPValue:G3}, max TV {result.MaxTv:F4} (noise bound {result.TvNoiseBound:F4}), log-prob err {result.LogprobMaxAbsErr:E1}");
            }

            var decided = check.Decide(measured);
            var passed = decided.All(r => r.Passed);
            Print(decided, check.Threshold(decided));
            if (parse.GetValue(json) is { } path)
            {
                JsonOutput.Write(path, new { passed, cases = decided });
            }

            AnsiConsole.MarkupLine(passed ? "[green]lossless: every case passed[/]" : "[red]NOT lossless: see failed cases[/]");
            return passed ? 0 : 1;
        });
        return command;
    }

    private static void Print(IReadOnlyList<LosslessnessCaseResult> results, double threshold)
    {
        var table = new Table().AddColumns("drafter", "k", "T", "top_k", "top_p", "min p", "max TV", "TV noise bound", "log-prob err", "acc. len", "passed");
        foreach (var r in results)
        {
            table.AddRow(r.Drafter, $"{r.DraftTokens}", $"{r.Temperature}", $"{r.TopK}", $"{r.TopP}", $"{r.MinPValue:G3}", $"{r.MaxTv:F4}",
                $"{r.TvNoiseBound:F4}", $"{r.LogprobMaxAbsErr:E1}", $"{r.AcceptanceLength:F2}", r.Passed ? "[green]yes[/]" : "[red]NO[/]");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"per-test threshold (Bonferroni over {results.Sum(r => r.TestCount)} tests): p >= {threshold:G3}");
    }
}
