using System.CommandLine;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Runtime;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Benchmarks;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Runs;
using RlSpec.Trainer.Training;
using Spectre.Console;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// <c>rlspec bench rollout [CONFIG] --checkpoint DIR</c>: one GRPO step's generation as the run would do it (the config's
/// task, prompts × group size, slots, sampling and drafter), plain against speculative, in interleaved repeats; prints
/// the speedup overall and per phase (full batch vs draining) with the live-batch histogram.
/// </summary>
public static class BenchRolloutCommand
{
    public static Command Create()
    {
        var config = new Argument<string?>("config") { Description = "YAML run config (see configs/); omitted = built-in defaults", Arity = ArgumentArity.ZeroOrOne };
        var sets = new Option<string[]>("--set") { Description = "Override a config key (repeatable)", AllowMultipleArgumentsPerToken = false };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Policy checkpoint with its trained drafter beside it (default: the config's model.checkpoint)" };
        var adaptive = new Option<string>("--adaptive") { Description = "on, off or both (speculative methods: live-batch k, fixed k)", DefaultValueFactory = _ => "both" };
        var repeats = new Option<int>("--repeats") { Description = "Interleaved repeats, each on the next step's prompts (median reported)", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup")
        {
            Description = "Unrecorded steps first; the live-batch controller keeps learning across steps, as it does through a run",
            DefaultValueFactory = _ => 1,
        };
        var json = new Option<string?>("--json") { Description = "Write the rows as JSON here" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("rollout", "One GRPO step's generation, plain vs speculative: speedup overall, on the full batch and while it drains.")
        {
            config, sets, checkpoint, adaptive, repeats, warmup, json, device, threads,
        };
        command.SetAction(parse =>
        {
            var run = ConfigLoader.Load(parse.GetValue(config), parse.GetValue(sets) ?? []);
            var policyDir = parse.GetValue(checkpoint) ?? run.Model.Checkpoint
                ?? throw new ArgumentException("bench rollout: pass --checkpoint DIR (or set model.checkpoint): a warm-started policy with its drafter.");
            var modes = parse.GetValue(adaptive) switch
            {
                "on" => new[] { true },
                "off" => [false],
                "both" => [false, true],
                var other => throw new ArgumentException($"--adaptive must be on, off or both, got '{other}'."),
            };
            var dev = RuntimeSetup.Apply(parse.GetValue(device)!, parse.GetValue(threads));
            var (policy, tokenizer) = PolicyCheckpoint.Load(policyDir, dev);
            var factory = new DrafterFactory(policy, tokenizer, null, run.Seed, policyDir);
            if (run.Speculation.Drafter is "eagle" or "chunk" && !factory.HasTrainedHead(run.Speculation.Drafter))
            {
                throw new ArgumentException($"bench rollout: {policyDir} has no trained {run.Speculation.Drafter} head ({run.Speculation.Drafter}/); train one with `rlspec train-{run.Speculation.Drafter} --policy {policyDir}`.");
            }

            var task = Training.TaskFactory.Create(run.Task);
            var rollout = run.Rollout;
            var examples = task.Examples(run.Seed).Take(rollout.PromptsPerStep * (parse.GetValue(repeats) + parse.GetValue(warmup))).ToList();
            var steps = examples.Chunk(rollout.PromptsPerStep)
                .Select(step => (IReadOnlyList<GenerationRequest>)step.Select(e => new GenerationRequest(PromptFormat.Prompt(tokenizer, e.Prompt), rollout.GroupSize)).ToList())
                .ToList();
            var options = new GenerationOptions(rollout.MaxNewTokens, new SamplingParams(rollout.Temperature));
            var methods = modes.Select(a => (factory.Create(run.Speculation.Drafter), run.Speculation.Options(a))).ToList();
            var log = ConsoleLog.For("bench rollout");
            log.Report($"{rollout.PromptsPerStep} prompts × {rollout.GroupSize} samples, {rollout.BatchSize} slots, task {run.Task.Kind}, drafter {run.Speculation.Drafter}");
            var rows = new RolloutBenchmark(policy, tokenizer, options, rollout.BatchSize).Run(steps, methods, (ulong)run.Seed, log, parse.GetValue(warmup));
            Print(rows);
            if (parse.GetValue(json) is { } path)
            {
                JsonOutput.Write(path, new { rows });
            }

            return 0;
        });
        return command;
    }

    private static void Print(IReadOnlyList<RolloutBenchmarkRow> rows)
    {
        var table = new Table().AddColumns("method", "tokens/s", "speedup", "full: tokens/s", "full speedup", "draining: tokens/s", "draining speedup", "draining time", "acc. len", "spec. steps");
        foreach (var r in rows)
        {
            table.AddRow(r.Method, $"{r.TokensPerS:F0}", $"{r.Speedup:F2}x", $"{r.FullTokensPerS:F0}", $"{r.FullSpeedup:F2}x", $"{r.DrainingTokensPerS:F0}",
                $"{r.DrainingSpeedup:F2}x", $"{r.DrainingTimeShare:P0}", $"{r.AcceptanceLength:F2}", $"{r.SpeculativeStepShare:P0}");
        }

        AnsiConsole.Write(table);
        var histogram = new Table().AddColumns(["live rows", .. rows.Select(r => $"{r.Method}: steps (spec.)")]);
        foreach (var bucket in Enumerable.Range(0, 1 + rows.Max(r => r.LiveBatch.Max(l => LiveBatchController.BucketOf(l.Live)))))
        {
            var (low, high) = LiveBatchController.BucketRange(bucket);
            histogram.AddRow([low == high ? $"{low}" : $"{low}-{high}", .. rows.Select(r =>
            {
                var inBucket = r.LiveBatch.Where(l => l.Live >= low && l.Live <= high).ToList();
                return $"{inBucket.Sum(l => l.Steps)} ({inBucket.Sum(l => l.SpeculativeSteps)})";
            })]);
        }

        AnsiConsole.Write(histogram);
    }
}
