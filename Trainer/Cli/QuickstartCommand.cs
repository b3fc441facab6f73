using System.CommandLine;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Training;

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
            var summary = TrainCommand.Fresh(run, report: (setup, log) =>
            {
                if (setup.Drafter is null)
                {
                    return;
                }

                log.Report("timing one step's rollouts plainly and speculatively (3 interleaved repeats)");
                var speed = GenerationSpeedCheck.Run(setup.Config, setup.Policy, setup.Tokenizer, setup.Task, setup.Drafter);
                log.Report($"generation: plain {speed.PlainSeconds:F2}s, speculative ({setup.Drafter.Name}, k={setup.Config.Speculation.DraftTokens}) {speed.SpeculativeSeconds:F2}s "
                    + $"→ speedup {speed.Speedup:F2}x at acceptance length {speed.AcceptanceLength:F2}");
            });
            return 0;
        });
        return command;
    }
}
