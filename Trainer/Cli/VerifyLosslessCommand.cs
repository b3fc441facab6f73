using System.CommandLine;
using RlSpec.Policy.Model;
using RlSpec.Policy.Runtime;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Speculative;
using RlSpec.Rollout.Verification;
using RlSpec.Trainer.Runs;
using RlSpec.Trainer.Training;
using Spectre.Console;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec verify-lossless</c>: statistical equivalence of plain and speculative sampling for every case of a grid.</summary>
public static class VerifyLosslessCommand
{
    /// <summary>The default grid's drafters: a model drafter, a model-free one, the EAGLE head, and the policy drafting for
    /// itself (q = p: every draft accepted, so every step ends in a bonus token).</summary>
    public const string DefaultDrafters = "eagle,draft-model,ngram,self";

    public static Command Create()
    {
        var checkpoint = CommonOptions.Checkpoint(required: false);
        checkpoint.Description += " (default: a seeded random policy, whose spread-out distributions make the test demanding)";
        var draftCheckpoint = new Option<string?>("--drafter-checkpoint") { Description = "Draft model for --drafter draft-model (default: random one-layer model)" };
        var drafters = new Option<string>("--drafter") { Description = $"Comma list of drafters ({string.Join(", ", DrafterFactory.Names)}, self)", DefaultValueFactory = _ => DefaultDrafters };
        var draftTokens = new Option<string>("--draft-tokens") { Description = "Comma list of k", DefaultValueFactory = _ => "4" };
        var temperatures = new Option<string>("--temperature") { Description = "Comma list of temperatures (0 = greedy)", DefaultValueFactory = _ => "0,0.6,1.0" };
        var topKs = new Option<string>("--top-k") { Description = "Comma list of top-k (0 = off)", DefaultValueFactory = _ => "0,8" };
        var topPs = new Option<string>("--top-p") { Description = "Comma list of top-p (1 = off)", DefaultValueFactory = _ => "1.0,0.9" };
        var adaptive = new Option<string>("--adaptive") { Description = "Comma list: off (always k), on (the live-batch controller varies k)", DefaultValueFactory = _ => "off,on" };
        var samples = new Option<int>("--samples") { Description = $"Completions per prompt per method (greedy cases use at most {LosslessnessCheck.GreedySamples})", DefaultValueFactory = _ => 2000 };
        var promptCount = new Option<int>("--prompts") { Description = "Distinct task prompts (one more, at the context limit, is always added)", DefaultValueFactory = _ => 1 };
        var bias = new Option<string>("--inject-bias")
        {
            Description = $"Plant a verification bug as a negative control ({string.Join(", ", PlantedBiasNames.All.Keys)}); the check should then fail",
            DefaultValueFactory = _ => "none",
        };
        var json = new Option<string?>("--json") { Description = "Write the results as JSON here" };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dtype = CommonOptions.DType();
        var command = new Command("verify-lossless", "Check that speculative sampling is distributed exactly as plain sampling (chi-square, TV, log-probs, greedy identity).")
        {
            checkpoint, draftCheckpoint, drafters, draftTokens, temperatures, topKs, topPs, adaptive, samples, promptCount, bias, json, seed, device, threads, dtype,
        };
        command.SetAction(parse =>
        {
            var planted = PlantedBiasNames.Parse(parse.GetValue(bias)!);
            var modes = ListParsing.Parse("--adaptive", parse.GetValue(adaptive)!, s => s switch
            {
                "on" => true,
                "off" => false,
                _ => throw new FormatException($"'{s}' is not on or off"),
            });
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
                         from a in modes
                         select new LosslessnessCase(d, k, t, topK, topP, parse.GetValue(samples), a)).ToList();
            foreach (var name in cases.Select(c => c.Drafter).Distinct())
            {
                factory.Create(name);   // an unknown drafter fails before any sampling
            }

            var settings = LosslessnessSettings.For(policy.DType) with { Bias = planted };
            var check = new LosslessnessCheck(policy, tokenizer, prompts, settings);
            var log = ConsoleLog.For("verify-lossless");
            if (planted != PlantedBias.None)
            {
                log.Report($"planted bias '{parse.GetValue(bias)}': a negative control, every case is expected to FAIL");
            }

            var measured = new List<LosslessnessCaseResult>();
            foreach (var (c, i) in cases.Select((c, i) => (c, i)))
            {
                var result = check.Run(c, factory.Create(c.Drafter), (ulong)(runSeed + i));
                measured.Add(result);
                log.Report($"case {i + 1}/{cases.Count}: {c.Drafter} k={c.DraftTokens} T={c.Temperature} top_k={c.TopK} top_p={c.TopP} adaptive={(c.Adaptive ? "on" : "off")}: "
                    + $"min p {result.MinPValue:G3}, max TV {result.MaxTv:F4} ({result.MaxTvInNoiseUnits:F1} noise units), log-prob err {Math.Max(result.LogprobMaxAbsErr, result.ProcessedLogprobMaxAbsErr):E1}, bonus {result.BonusFraction:P0}");
            }

            var decided = check.Decide(measured);
            var passed = decided.All(r => r.Passed);
            var threshold = check.Threshold(decided);
            var shift = check.DetectableShift(decided, parse.GetValue(samples));
            Print(decided, threshold, check.TvBoundInNoiseUnits(decided), shift, parse.GetValue(samples));
            AnsiConsole.MarkupLine($"log-probs ({ModelDType.Name(policy.DType)}): |speculative - fresh forward| <= {settings.LogprobTolerance:G2}");
            if (parse.GetValue(json) is { } path)
            {
                JsonOutput.Write(path, new
                {
                    passed,
                    injectedBias = PlantedBiasNames.NameOf(planted),
                    perTestThreshold = threshold,
                    tvBoundNoiseUnits = check.TvBoundInNoiseUnits(decided),
                    detectableShift = shift,
                    dtype = ModelDType.Name(policy.DType),
                    logprobTolerance = settings.LogprobTolerance,
                    cases = decided,
                });
            }

            AnsiConsole.MarkupLine(passed ? "[green]lossless: every case passed[/]" : "[red]NOT lossless: see failed cases[/]");
            return passed ? 0 : 1;
        });
        return command;
    }

    private static void Print(IReadOnlyList<LosslessnessCaseResult> results, double threshold, double tvUnits, double shift, int samples)
    {
        var table = new Table().AddColumns("drafter", "k", "T", "top_k", "top_p", "adaptive", "min p", "max TV", "TV bound", "log-prob err", "acc. len", "bonus", "passed");
        foreach (var r in results)
        {
            table.AddRow(r.Drafter, $"{r.DraftTokens}", $"{r.Temperature}", $"{r.TopK}", $"{r.TopP}", r.Adaptive ? "on" : "off", $"{r.MinPValue:G3}", $"{r.MaxTv:F4}",
                $"{r.TvNoiseBound:F4}", $"{Math.Max(r.LogprobMaxAbsErr, r.ProcessedLogprobMaxAbsErr):E1}", $"{r.AcceptanceLength:F2}", $"{r.BonusFraction:P0}", !r.Checked ? "[grey]n/a[/]" : r.Passed ? "[green]yes[/]" : "[red]NO[/]");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"per-test threshold (Bonferroni over {results.Sum(r => r.TestCount)} tests): p >= {threshold:G3}; TV bound {tvUnits:F2} noise units");
        AnsiConsole.MarkupLine($"power: with {samples} samples per prompt, a shift of {shift:P1} of probability between two tokens at one position is detected with 80 % probability");
    }
}
