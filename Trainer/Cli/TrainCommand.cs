using System.CommandLine;
using RlSpec.Rollout.Evaluation;
using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Quickstart;
using RlSpec.Trainer.Runs;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec train CONFIG [--set key=value]… [--device D] [--threads N] [--resume RUN_DIR]</c>: a GRPO run with speculative rollouts.</summary>
public static class TrainCommand
{
    public const string ConfigFile = "config.yaml";

    /// <summary>What a refused run directory should be replaced with: train has no --out.</summary>
    public static string RetryAdvice(string runDir) =>
        $"choose another with --set logging.run_dir=DIR, or continue this one with --resume {runDir}";

    public static Command Create()
    {
        var config = new Argument<string?>("config") { Description = "YAML run config (see configs/); omitted = built-in defaults", Arity = ArgumentArity.ZeroOrOne };
        var sets = new Option<string[]>("--set") { Description = "Override a config key, e.g. --set rollout.group_size=8 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this directory from its latest checkpoint (uses its saved config)" };
        var device = CommonOptions.DeviceOverride();
        var threads = CommonOptions.ThreadsOverride();
        var command = new Command("train", "GRPO training with lossless speculative rollouts and an online-aligned drafter.") { config, sets, resume, device, threads };
        command.SetAction(parse =>
        {
            var overrides = parse.GetValue(sets) ?? [];
            var resumeDir = parse.GetValue(resume);
            if (resumeDir is not null && (parse.GetValue(config) is not null || overrides.Length > 0))
            {
                throw new ArgumentException("--resume continues a run with its saved config; drop CONFIG and --set (--device and --threads may change).");
            }

            var runtime = CommonOptions.Overrides(parse, device, threads);
            _ = resumeDir is null ? Fresh(ConfigLoader.Load(parse.GetValue(config), [.. overrides, .. runtime])) : Resume(resumeDir, runtime: runtime);
            return 0;
        });
        return command;
    }

    /// <summary>Starts a new run; returns its summary. Nothing is written until every input (task data, checkpoint, drafter
    /// head) has been read, so a run that cannot start leaves no run directory behind.</summary>
    /// <param name="report">Runs after training with the live setup (the quickstart times generation there).</param>
    public static TrainingSummary Fresh(RunConfig config, Action<int>? afterStep = null, Action<TrainingSetup, IProgress<string>>? report = null)
    {
        var runDir = config.Logging.RunDir ?? RunDirectory.NewDefault("grpo");
        RunDirectory.EnsureFreshCheckpointTarget(runDir, RetryAdvice(runDir));
        return Execute(config, runDir, resumeFrom: null, afterStep, report, fresh: true)!;
    }

    /// <summary>Continues a run from its latest checkpoint (or from the start when it has none); null when it had already
    /// finished, which is said and nothing is touched.</summary>
    /// <param name="runtime">--device / --threads overrides of the saved config (they change speed, not what is learned).</param>
    public static TrainingSummary? Resume(string runDir, Action<int>? afterStep = null, IReadOnlyList<string>? runtime = null)
    {
        var configPath = Path.Combine(runDir, ConfigFile);
        if (!File.Exists(configPath))
        {
            throw new ArgumentException($"--resume {runDir}: no {ConfigFile} there; is it a run directory?");
        }

        var config = ConfigLoader.Load(configPath, runtime ?? []);
        var checkpoint = RunCheckpoint.Latest(runDir);
        var step = checkpoint is null ? 0 : RunCheckpoint.ReadState(checkpoint).Step;
        var log = ConsoleLog.For("train");
        if (step >= config.Trainer.Steps)
        {
            log.Report($"{runDir} is finished: its checkpoint is at step {step} of trainer.steps {config.Trainer.Steps}; nothing to resume "
                + $"(results in {Path.Combine(runDir, "summary.md")}).");
            return null;
        }

        // Steps after the checkpoint are replayed, so their logged rows are cut first (a torn tail goes with them).
        MetricsLog.TruncateAfterStep(Path.Combine(runDir, MetricsLog.FileName), step);
        RolloutLog.TruncateAfterStep(Path.Combine(runDir, RolloutLog.FileName), step);
        log.Report(checkpoint is null ? $"resuming {runDir} from the start (no checkpoint yet)" : $"resuming {runDir} from {checkpoint} (step {step})");
        return Execute(config, runDir, checkpoint, afterStep, fresh: false);
    }

    private static TrainingSummary Execute(RunConfig config, string runDir, string? resumeFrom, Action<int>? afterStep, Action<TrainingSetup, IProgress<string>>? report = null,
        bool fresh = false)
    {
        var log = ConsoleLog.For("train");
        // Sync runs do all tensor work on one thread; async rollout workers compute beside the trainer side.
        var computing = config.Pipeline.Asynchronous && !config.Cluster.Enabled ? config.Pipeline.RolloutWorkers + 1 : 1;
        var device = RuntimeSetup.Apply(config.Model.Device, config.Model.Threads, computing, out var threads);
        using var setup = TrainingSetup.Create(config, runDir, resumeFrom, device, log, beforeWriting: fresh ? () => Start(config, runDir) : null);
        var evaluator = new TaskEvaluator(setup.Policy, setup.Tokenizer);
        // Accuracy before training is measured once, at the start, and kept in the run state: a resumed run reports it too.
        var before = resumeFrom is null ? Evaluate(evaluator, setup, log, "before training") : setup.State.AccuracyBefore;
        var start = setup.State with { AccuracyBefore = before };
        log.Report($"run directory {runDir}: steps {start.Step + 1}..{config.Trainer.Steps}, {config.Rollout.PromptsPerStep} prompts x {config.Rollout.GroupSize} samples, "
            + $"speculation {(setup.Drafter is null ? "off" : $"{setup.Drafter.Name} k={config.Speculation.DraftTokens}")}, {config.Pipeline.Mode} pipeline"
            + (config.Pipeline.Asynchronous ? $" (max staleness {config.Pipeline.MaxStaleness})" : "")
            + (config.Cluster.Enabled
                ? $", rollouts on cluster nodes ({config.Pipeline.RolloutWorkers} chunk(s) per step; trainer node {config.Cluster.Hostname}:{config.Cluster.Port})"
                : $", {config.Pipeline.RolloutWorkers} rollout worker(s)")
            + $", {device.type.ToString().ToLowerInvariant()}, {RuntimeSetup.Describe(config.Model.Threads, threads, computing)}");
        TrainingProgress.Show(start.Step, config.Trainer.Steps, (steps, lines) => TrainingPipeline.Run(setup.Parts(lines), start, steps, afterStep));
        var after = Evaluate(evaluator, setup, log, "after training");
        report?.Invoke(setup, log);
        var plainAt = setup.Drafter is not null && config.Speculation.PlainEvery > 0 ? config.Speculation.HealthOptions().PlainAt : (Func<int, bool>?)null;
        var summary = TrainingSummary.From(runDir, before, after, MetricsLog.Read(Path.Combine(runDir, MetricsLog.FileName)), plainAt);
        summary.Save();
        summary.Print();
        return summary;
    }

    /// <summary>Creates the run directory with its resolved config: called once the run's inputs have all been read.</summary>
    private static void Start(RunConfig config, string runDir)
    {
        RunDirectory.EnsureFreshCheckpointTarget(runDir, RetryAdvice(runDir));
        Directory.CreateDirectory(runDir);
        File.WriteAllText(Path.Combine(runDir, ConfigFile), ConfigLoader.ToYaml(config));
    }

    private static double? Evaluate(TaskEvaluator evaluator, TrainingSetup setup, IProgress<string> log, string when)
    {
        var count = setup.Config.Task.EvalPrompts;
        if (count == 0)
        {
            return null;
        }

        var progress = new PhaseProgress(log, $"greedy accuracy {when}", count, "problems");
        var result = evaluator.Evaluate(setup.Task, count, maxNewTokens: setup.Config.Rollout.MaxNewTokens, progress: progress);
        progress.Done($"{result.Accuracy:P1}");
        return result.Accuracy;
    }
}
