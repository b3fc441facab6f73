using System.CommandLine;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Benchmarks;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Config;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// <c>rlspec quickstart</c>: the main job on built-in defaults. Warm-starts the built-in policy, pretrains an EAGLE
/// drafter, runs a short GRPO training with speculative rollouts, then times generation with and without
/// speculation and prints the summary (accuracy before/after, speedup, stage breakdown).
/// </summary>
public static class QuickstartCommand
{
    /// <summary>
    /// The quickstart's own defaults, beneath a config file and on top of <see cref="RunConfig"/>'s: a run that shows
    /// speculation paying within about ten minutes of a small CPU. The deep preset, because over the tiny one a one-layer
    /// drafter costs a third of a decode and speculation loses; a 300-step EAGLE head, because a 150-step one accepts
    /// too little to pay at 64 slots; every core, because the deep warm start is most of the run and the machine is
    /// the user's (the run header says how to leave one free). Measured in
    /// <c>experiments/speculative-rollouts/results/quickstart-deep/</c>.
    /// </summary>
    public static readonly string[] Defaults =
        ["trainer.steps=30", "model.preset=deep", "drafter.pretrain_steps=300", $"model.threads={RlSpec.Policy.Runtime.TorchThreads.AllCores}"];

    /// <summary>The quickstart's config: <paramref name="path"/> (optional) over <see cref="Defaults"/>, then <paramref name="overrides"/>.</summary>
    public static RunConfig Load(string? path, IReadOnlyList<string> overrides) => ConfigLoader.Load(path, overrides, underlay: Defaults);

    public static Command Create()
    {
        var config = new Argument<string?>("config") { Description = "Optional YAML config to start from", Arity = ArgumentArity.ZeroOrOne };
        var sets = new Option<string[]>("--set") { Description = "Override a config key (repeatable), e.g. --set trainer.steps=10" };
        var device = CommonOptions.DeviceOverride();
        var threads = CommonOptions.ThreadsOverride();
        var command = new Command("quickstart", "Warm start + EAGLE drafter + a short GRPO run with speculative rollouts, on built-in defaults; prints a summary.")
        {
            config, sets, device, threads,
        };
        command.SetAction(parse =>
        {
            var run = Load(parse.GetValue(config), [.. parse.GetValue(sets) ?? [], .. CommonOptions.Overrides(parse, device, threads)]);
            TrainCommand.Fresh(run, report: (setup, log) =>
            {
                if (setup.Drafter is null)
                {
                    return;
                }

                // One step's rollouts exactly as the run generates them (its prompts × group, slots, sampling, drafter, k policy),
                // plainly and speculatively on held-out prompts, each repeat on the next step's.
                var r = setup.Config.Rollout;
                var steps = setup.Task.Examples(setup.Config.Seed + 17).Take(4 * r.PromptsPerStep).Chunk(r.PromptsPerStep)
                    .Select(step => (IReadOnlyList<GenerationRequest>)step.Select(e => new GenerationRequest(PromptFormat.Prompt(setup.Tokenizer, e.Prompt), r.GroupSize)).ToList())
                    .ToList();
                log.Report($"benchmarking one step's rollouts ({r.PromptsPerStep} prompts x {r.GroupSize}, {r.BatchSize} slots) plainly and speculatively, 3 interleaved repeats");
                var rows = new RolloutBenchmark(setup.Policy, setup.Tokenizer, new GenerationOptions(r.MaxNewTokens, new SamplingParams(r.Temperature)), r.BatchSize)
                    .Run(steps, [(setup.Drafter, setup.Config.Speculation.Options())], (ulong)setup.Config.Seed);
                var (plain, speculative) = (rows[0], rows[1]);
                log.Report($"generation: plain {plain.TokensPerS:F0} tokens/s, speculative ({speculative.Method}) {speculative.TokensPerS:F0} tokens/s "
                    + $"→ speedup {speculative.Speedup:F2}x (full batch {speculative.FullSpeedup:F2}x, draining {speculative.DrainingSpeedup:F2}x) at acceptance length {speculative.AcceptanceLength:F2}");
            });
            return 0;
        });
        return command;
    }
}
