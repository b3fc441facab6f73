using System.CommandLine;
using RlSpec.Rollout.Evaluation;
using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Quickstart;
using RlSpec.Trainer.Runs;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec train CONFIG [--set key=value]… [--resume RUN_DIR]</c>: a GRPO run with speculative rollouts.</summary>
public static class TrainCommand
{
    public const string ConfigFile = "config.yaml";

    public static Command Create()
    {
        var config = new Argument<string?>("config") { Description = "YAML run config (see configs/); omitted = built-in defaults", Arity = ArgumentArity.ZeroOrOne };
        var sets = new Option<string[]>("--set") { Description = "Override a config key, e.g. --set rollout.group_size=8 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this directory from its latest checkpoint (uses its saved config)" };
        var command = new Command("train", "GRPO training with lossless speculative rollouts and an online-aligned drafter.") { config, sets, resume };
        command.SetAction(parse =>
        {
            var overrides = parse.GetValue(sets) ?? [];
            var resumeDir = parse.GetValue(resume);
            if (resumeDir is not null && (parse.GetValue(config) is not null || overrides.Length > 0))
            {
                throw new ArgumentException("--resume continues a run with its saved config; drop CONFIG and --set.");
            }

            _ = resumeDir is null ? Fresh(ConfigLoader.Load(parse.GetValue(config), overrides)) : Resume(resumeDir);
            return 0;
        });
        return command;
    }

    /// <summary>Starts a new run; returns its summary.</summary>
    /// <param name="report">Runs after training with the live setup (the quickstart times generation there).</param>
    public static TrainingSummary Fresh(RunConfig config, Action<int>? afterStep = null, Action<TrainingSetup, IProgress<string>>? report = null)
    {
        var runDir = config.Logging.RunDir ?? RunDirectory.NewDefault("grpo");
        RunDirectory.EnsureFreshCheckpointTarget(runDir);
        Directory.CreateDirectory(runDir);
        File.WriteAllText(Path.Combine(runDir, ConfigFile), ConfigLoader.ToYaml(config));
        return Execute(config, runDir, resumeFrom: null, afterStep, report);
    }

    /// <summary>Continues a run from its latest checkpoint (or from the start when it has none).</summary>
    public static TrainingSummary Resume(string runDir, Action<int>? afterStep = null)
    {
        var configPath = Path.Combine(runDir, ConfigFile);
        if (!File.Exists(configPath))
        {
            throw new ArgumentException($"--resume {runDir}: no {ConfigFile} there; is it a run directory?");
        }

        var config = ConfigLoader.Load(configPath, []);
        var checkpoint = RunCheckpoint.Latest(runDir);
        var step = checkpoint is null ? 0 : RunCheckpoint.ReadState(checkpoint).Step;
        // Steps after the checkpoint are replayed, so their logged rows are cut first (a torn tail goes with them).
        MetricsLog.TruncateAfterStep(Path.Combine(runDir, MetricsLog.FileName), step);
        RolloutLog.TruncateAfterStep(Path.Combine(runDir, RolloutLog.FileName), step);
        ConsoleLog.For("train").Report(checkpoint is null ? $"resuming {runDir} from the start (no checkpoint yet)" : $"resuming {runDir} from {checkpoint} (step {step})");
        return Execute(config, runDir, checkpoint, afterStep);
    }

    private static TrainingSummary Execute(RunConfig config, string runDir, string? resumeFrom, Action<int>? afterStep, Action<TrainingSetup, IProgress<string>>? report = null)
    {
        var log = ConsoleLog.For("train");
        var device = RuntimeSetup.Apply(config.Model.Device, config.Model.Threads);
        using var setup = TrainingSetup.Create(config, runDir, resumeFrom, device, log);
        var evaluator = new TaskEvaluator(setup.Policy, setup.Tokenizer);
        double? before = resumeFrom is null && config.Task.EvalPrompts > 0 ? evaluator.Evaluate(setup.Task, config.Task.EvalPrompts, maxNewTokens: config.Rollout.MaxNewTokens).Accuracy : null;
        log.Report($"run directory {runDir}: steps {setup.State.Step + 1}..{config.Trainer.Steps}, {config.Rollout.PromptsPerStep} prompts x {config.Rollout.GroupSize} samples, "
            + $"speculation {(setup.Drafter is null ? "off" : $"{setup.Drafter.Name} k={config.Speculation.DraftTokens}")}, {config.Pipeline.Mode} pipeline"
            + (config.Pipeline.Asynchronous ? $" (max staleness {config.Pipeline.MaxStaleness})" : "")
            + (config.Cluster.Enabled
                ? $", rollouts on cluster nodes ({config.Pipeline.RolloutWorkers} chunk(s) per step; trainer node {config.Cluster.Hostname}:{config.Cluster.Port})"
                : $", {config.Pipeline.RolloutWorkers} rollout worker(s)"));
        TrainingProgress.Show(setup.State.Step, config.Trainer.Steps, (steps, lines) => TrainingPipeline.Run(setup.Parts(lines), setup.State, steps, afterStep));
        double? after = config.Task.EvalPrompts > 0 ? evaluator.Evaluate(setup.Task, config.Task.EvalPrompts, maxNewTokens: config.Rollout.MaxNewTokens).Accuracy : null;
        report?.Invoke(setup, log);
        var summary = TrainingSummary.From(runDir, before, after, MetricsLog.Read(Path.Combine(runDir, MetricsLog.FileName)));
        summary.Save();
        summary.Print();
        return summary;
    }
}
