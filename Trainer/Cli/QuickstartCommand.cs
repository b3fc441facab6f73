using System.CommandLine;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Benchmarks;
using RlSpec.Rollout.Generation;
using RlSpec.Trainer.Config;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// <c>rlspec quickstart</c>: the main job on built-in defaults. Warm-starts the built-in policy, pretrains an EAGLE
/// drafter, runs a short GRPO training with speculative rollouts, then times generation with and without
/// speculation and prints the summary (accuracy before/after, speedup, stage breakdown).
/// </summary>
public static class QuickstartCommand
{
    /// <summary>The quickstart's own defaults on top of <see cref="RunConfig"/>'s: short enough for a laptop CPU.</summary>
    public static readonly string[] Defaults = ["trainer.steps=30"];

    public static Command Create()
    {
        var config = new Argument<string?>("config") { Description = "Optional YAML config to start from", Arity = ArgumentArity.ZeroOrOne };
        var sets = new Option<string[]>("--set") { Description = "Override a config key (repeatable), e.g. --set trainer.steps=10" };
        var command = new Command("quickstart", "Warm start + EAGLE drafter + a short GRPO run with speculative rollouts, on built-in defaults; prints a summary.")
        {
            config, sets,
        };
        command.SetAction(parse =>
        {
            var run = ConfigLoader.Load(parse.GetValue(config), [.. Defaults, .. parse.GetValue(sets) ?? []]);
            TrainCommand.Fresh(run, report: (setup, log) =>
            {
                if (setup.Drafter is null)
                {
                    return;
                }

                // The project's generation benchmark on one step's worth of rollouts with the run's own settings.
                var r = setup.Config.Rollout;
                var prompts = setup.Task.Examples(setup.Config.Seed + 17).Take(r.PromptsPerStep).Select(e => PromptFormat.Prompt(setup.Tokenizer, e.Prompt)).ToList();
                var generation = new GenerationOptions(r.MaxNewTokens, new SamplingParams(r.Temperature, r.TopK, r.TopP));
                log.Report($"benchmarking one step's rollouts ({prompts.Count} prompts x {r.GroupSize}, batch {r.BatchSize}) plainly and speculatively, 3 interleaved repeats");
                var rows = new GenerationBenchmark(setup.Policy, setup.Tokenizer, prompts, generation)
                    .Run(r.BatchSize, [setup.Drafter], setup.Config.Speculation.DraftTokens, [setup.Config.Speculation.Adaptive], repeats: 3, (ulong)setup.Config.Seed,
                        sequencesPerRun: prompts.Count * r.GroupSize);
                var (plain, speculative) = (rows[0], rows[1]);
                log.Report($"generation: plain {plain.TokensPerS:F0} tokens/s, speculative ({speculative.Drafter}, k={speculative.DraftTokens}) {speculative.TokensPerS:F0} tokens/s "
                    + $"→ speedup {speculative.SpeedupVsAr:F2}x at acceptance length {speculative.AcceptanceLength:F2}");
            });
            return 0;
        });
        return command;
    }
}
