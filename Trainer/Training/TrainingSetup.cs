using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Drafting;
using RlSpec.Drafter.DraftModel;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Distillation;
using RlSpec.Rollout.Generation;
using RlSpec.Trainer.Cli;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Quickstart;
using RlSpec.Trainer.Runs;
using TorchSharp;

namespace RlSpec.Trainer.Training;

/// <summary>
/// Everything a GRPO run starts from: the policy (a checkpoint, a warm start, or the run's latest checkpoint when
/// resuming), the drafter (an EAGLE head saved beside the policy or pretrained now), the learner and its state.
/// </summary>
public sealed class TrainingSetup : IDisposable
{
    private TrainingSetup(RunConfig config, string runDirectory, PolicyModel policy, TextTokenizer tokenizer, IVerifiableTask task,
        IDrafter? drafter, EagleTrainer? aligner, Grpo.GrpoLearner learner, TrainerState state)
    {
        (Config, RunDirectory, Policy, Tokenizer, Task, Drafter, Aligner, Learner, State) = (config, runDirectory, policy, tokenizer, task, drafter, aligner, learner, state);
    }

    public RunConfig Config { get; }
    public string RunDirectory { get; }
    public PolicyModel Policy { get; }
    public TextTokenizer Tokenizer { get; }
    public IVerifiableTask Task { get; }
    public IDrafter? Drafter { get; }
    public EagleTrainer? Aligner { get; }
    public Grpo.GrpoLearner Learner { get; }
    public TrainerState State { get; }

    /// <summary>A fresh drafter of the configured kind (one per rollout worker).</summary>
    public Func<IDrafter?> NewDrafter { get; private init; } = () => null;

    /// <param name="resumeFrom">Checkpoint directory to continue from (null = a fresh run in <paramref name="runDirectory"/>).</param>
    public static TrainingSetup Create(RunConfig config, string runDirectory, string? resumeFrom, torch.Device device, IProgress<string>? log)
    {
        var task = TaskFactory.Create(config.Task);
        var policyDir = resumeFrom ?? config.Model.Checkpoint ?? WarmStartInto(config, Path.Combine(runDirectory, "warm-start"), device, log);
        var (policy, tokenizer) = PolicyCheckpoint.Load(policyDir, device);
        foreach (var c in task.Examples(config.Seed).Take(64).SelectMany(e => e.Prompt))
        {
            if (tokenizer.Encode(c.ToString()).Count == 0)
            {
                throw new ArgumentException($"task prompts use '{c}', which the policy's tokenizer ({policyDir}) cannot encode.");
            }
        }

        var state = resumeFrom is null ? new TrainerState(0, 0, 0) : RunCheckpoint.ReadState(resumeFrom);
        var aligner = config.Speculation.Enabled && config.Speculation.Drafter == "eagle" ? EagleFor(config, policy, tokenizer, task, policyDir, log) : null;
        var factory = new DrafterFactory(policy, tokenizer, null, config.Seed, policyDir);
        // Drafters keep per-batch state, so each rollout worker gets its own; an EAGLE head is shared (read-only while drafting).
        Func<IDrafter?> newDrafter = () => !config.Speculation.Enabled ? null
            : aligner is not null ? new EagleDrafter(policy, aligner.Head)
            : factory.Create(config.Speculation.Drafter);
        var drafter = newDrafter();

        // The KL anchor is the run's starting policy, also when resuming from a later checkpoint.
        var startingPolicy = config.Model.Checkpoint ?? Path.Combine(runDirectory, "warm-start");
        var reference = config.Trainer.KlBeta > 0 ? PolicyCheckpoint.Load(startingPolicy, device).Model : null;
        var learner = new Grpo.GrpoLearner(policy, reference, Options(config.Trainer), config.Trainer.Steps, tokenizer.Special.Pad);
        if (resumeFrom is not null)
        {
            learner.LoadOptimizer(Path.Combine(resumeFrom, RunCheckpoint.PolicyOptimizerFile));
            var drafterOptimizer = Path.Combine(resumeFrom, RunCheckpoint.DrafterOptimizerFile);
            if (aligner is not null && File.Exists(drafterOptimizer))
            {
                aligner.LoadOptimizer(drafterOptimizer);
            }
        }

        return new TrainingSetup(config, runDirectory, policy, tokenizer, task, drafter, aligner, learner, state) { NewDrafter = newDrafter };
    }

    public static Grpo.GrpoOptions Options(TrainerSection t) =>
        new(t.LearningRate, t.WarmupSteps, t.MinLrRatio, t.ClipLow, t.ClipHigh, t.KlBeta, t.ScaleRewardsByStd, t.MicroBatch, t.GradClip, t.WeightDecay);

    public void Dispose()
    {
        Learner.Dispose();
        Aligner?.Dispose();
    }

    private static string WarmStartInto(RunConfig config, string directory, torch.Device device, IProgress<string>? log)
    {
        if (File.Exists(Path.Combine(directory, "config.json")))
        {
            log?.Report($"reusing the warm start in {directory}");
            return directory;
        }

        if (config.Task.Kind != "arithmetic")
        {
            throw new ArgumentException("model.checkpoint is required for task.kind jsonl (the built-in warm start only knows the arithmetic task).");
        }

        log?.Report($"no model.checkpoint: warm-starting the built-in policy ({config.Model.WarmStartSteps} SFT steps) into {directory}");
        var task = new ArithmeticTaskConfig(config.Task.MinDigits, config.Task.MaxDigits, config.Task.Operations);
        var sft = new SftOptions(Steps: config.Model.WarmStartSteps, WarmupSteps: Math.Min(40, config.Model.WarmStartSteps / 4), Seed: config.Seed + 1233,
            LogEvery: Math.Max(1, config.Model.WarmStartSteps / 8));
        new WarmStart(new WarmStartOptions(task, sft, null, config.Task.EvalPrompts, directory), device).Run(log);
        return directory;
    }

    private static EagleTrainer EagleFor(RunConfig config, PolicyModel policy, TextTokenizer tokenizer, IVerifiableTask task, string policyDir, IProgress<string>? log)
    {
        if (EagleCheckpoint.Exists(policyDir))
        {
            var (head, version) = EagleCheckpoint.Load(policyDir, policy);
            log?.Report($"EAGLE head loaded from {EagleCheckpoint.PathFor(policyDir)} (aligned to policy version {version})");
            return new EagleTrainer(policy, head, config.Drafter.LearningRate);
        }

        torch.manual_seed(config.Seed + 23);
        var fresh = new EagleHead(policy.Config, EagleConfig.For(policy.Config)).to(policy.Device);
        var trainer = new EagleTrainer(policy, fresh, config.Drafter.LearningRate);
        if (config.Drafter.PretrainSteps > 0)
        {
            log?.Report($"pretraining an EAGLE head for {config.Drafter.PretrainSteps} steps on the policy's samples");
            var source = new PolicySampleSource(policy, tokenizer, task,
                new GenerationOptions(config.Rollout.MaxNewTokens, new SamplingParams(config.Rollout.Temperature)), 32, config.Seed + 5);
            var kl = trainer.Pretrain(_ => source.Next(), tokenizer.Special.Pad, new SupervisionOptions(fresh.Config.FeatureLayers, config.Drafter.TeacherTopK),
                new DistillationOptions(Steps: config.Drafter.PretrainSteps, LearningRate: 3e-3, WarmupSteps: Math.Min(20, config.Drafter.PretrainSteps / 5),
                    LogEvery: Math.Max(1, config.Drafter.PretrainSteps / 4)), config.Speculation.DraftTokens);
            log?.Report($"EAGLE head pretrained: mean KL per draft step {kl.Average():F3}");
        }

        return trainer;
    }
}
