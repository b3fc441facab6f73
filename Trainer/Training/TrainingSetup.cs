using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Chunk;
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
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Cluster;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Pipeline;
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
        // Async steps may still need weights up to max_staleness versions back; one more covers the version being published.
        _weights = new WeightStore(config.Pipeline.Staleness + 2);
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

    private readonly WeightStore _weights;
    private long _drafterVersionAtStart;
    private DrafterAlignment? _alignment;
    private SupervisionBuffer? _buffer;
    private (SupervisionOptions Options, SupervisionBuffer Buffer)? _rolloutSupervision;
    private PromptCursor? _cursor;

    /// <summary>Oldest weights version rollouts may use: 0, or on resume the oldest version the checkpoint kept.</summary>
    public long OldestVersion { get; private set; }

    /// <summary>Where the starting policy was read from (draft models and MTP heads are looked up beside it).</summary>
    public string PolicyDirectory { get; private init; } = "";

    /// <param name="resumeFrom">Checkpoint directory to continue from (null = a fresh run in <paramref name="runDirectory"/>).</param>
    /// <param name="beforeWriting">Called once, before anything is written into the run directory and after every input that
    /// can be wrong (task data, prompt template, a given checkpoint and its drafter head) has been read: a fresh run creates
    /// its directory there, so a run that cannot start leaves none behind.</param>
    public static TrainingSetup Create(RunConfig config, string runDirectory, string? resumeFrom, torch.Device device, IProgress<string>? log,
        Action? beforeWriting = null)
    {
        var task = TaskFactory.Create(config.Task);
        var template = config.Task.PromptTemplate is { } text ? PromptTemplate.Resolve(text, "task.prompt_template") : null;
        var dtype = ModelDType.Parse(config.Model.Dtype, "model.dtype", trainable: true);
        var given = resumeFrom ?? config.Model.Checkpoint;
        if (given is null)
        {
            if (config.Task.Kind == "jsonl")
            {
                throw new ArgumentException("model.checkpoint is required for task.kind jsonl (the built-in warm start only knows the built-in tasks, arithmetic and chain).");
            }

            beforeWriting?.Invoke();
            beforeWriting = null;
        }

        var policyDir = given ?? WarmStartInto(config, Path.Combine(runDirectory, "warm-start"), device, log);
        var (policy, loadedTokenizer) = PolicyCheckpoint.Load(policyDir, device, dtype);
        // The template travels with the tokenizer, so rollouts, evaluation and timing all format prompts the same way.
        var tokenizer = loadedTokenizer.WithPromptTemplate(template);
        foreach (var c in task.Examples(config.Seed).Take(64).SelectMany(e => e.Prompt))
        {
            if (tokenizer.Encode(c.ToString()).Count == 0)
            {
                throw new ArgumentException($"task prompts use '{c}', which the policy's tokenizer ({policyDir}) cannot encode.");
            }
        }

        var state = resumeFrom is null ? new TrainerState(0, 0, 0) : RunCheckpoint.ReadState(resumeFrom);
        // A head pretrained on the run's own warm start is saved beside it, so later runs from that checkpoint reuse it.
        var ownWarmStart = config.Model.Checkpoint is null && resumeFrom is null;
        var (aligner, headVersion) = config.Speculation.Enabled && config.Speculation.Drafter is "eagle" or "chunk"
            ? HeadFor(config, policy, tokenizer, task, policyDir, ownWarmStart, log)
            : (null, 0L);
        var drafter = DrafterFor(config, policy, aligner?.Head, tokenizer, policyDir);

        // The KL anchor is the run's starting policy, also when resuming from a later checkpoint.
        var startingPolicy = config.Model.Checkpoint ?? Path.Combine(runDirectory, "warm-start");
        var reference = config.Trainer.KlBeta > 0 ? PolicyCheckpoint.Load(startingPolicy, device, dtype).Model : null;
        var learner = new Grpo.GrpoLearner(policy, reference, Options(config.Trainer, config.Rollout), config.Trainer.Steps, tokenizer.Special.Pad);
        if (resumeFrom is not null)
        {
            learner.LoadOptimizer(Path.Combine(resumeFrom, RunCheckpoint.PolicyOptimizerFile));
            var drafterOptimizer = Path.Combine(resumeFrom, RunCheckpoint.DrafterOptimizerFile);
            if (aligner is not null && File.Exists(drafterOptimizer))
            {
                aligner.LoadOptimizer(drafterOptimizer);
            }
        }

        beforeWriting?.Invoke();
        // A fresh run counts versions from its starting policy, which a head saved beside it (or pretrained now) drafts
        // for; a resumed run's head says what it was last aligned to.
        var setup = new TrainingSetup(config, runDirectory, policy, tokenizer, task, drafter, aligner, learner, state)
        {
            PolicyDirectory = policyDir,
            _drafterVersionAtStart = resumeFrom is null ? 0 : headVersion,
        };
        // An async run's next steps generate with versions older than the checkpoint's weights; it saved them beside it.
        setup.OldestVersion = resumeFrom is null ? 0 : setup._weights.Restore(resumeFrom) ?? state.PolicyVersion;
        return setup;
    }

    /// <summary>The plain objects the pipeline's actors route to; <paramref name="log"/> gets checkpoint notices.</summary>
    public PipelineParts Parts(IProgress<string>? log)
    {
        var aligning = Aligner is not null && Config.Drafter.Align;
        _buffer = aligning ? new SupervisionBuffer(Config.Drafter.BufferRows) : null;
        var capture = aligning ? new SupervisionOptions(Aligner!.Head.Config.FeatureLayers, Config.Drafter.TeacherTopK, Config.Drafter.BufferRows) : null;
        // Supervision from the generation forwards themselves spares the log-prob stage a forward per step. Only where the
        // workers share this process and generate with the weights being aligned to (sync); otherwise the recompute records it.
        _rolloutSupervision = aligning && Config.Drafter.Supervision == "rollouts" && !Config.Cluster.Enabled && !Config.Pipeline.Asynchronous
            ? (capture!, _buffer!)
            : null;
        var recomputeCapture = _rolloutSupervision is null ? capture : null;
        var alignment = _alignment = aligning
            ? new DrafterAlignment(Aligner!, _buffer!, new AlignmentOptions(Config.Drafter.StepsPerUpdate, Config.Drafter.LearningRate, Config.Drafter.BatchRecords,
                Config.Speculation.DraftTokens, MaxStaleness: Config.Drafter.MaxStaleness), Config.Seed, _drafterVersionAtStart)
            : null;
        var health = Drafter is null ? null : new DrafterHealth(Config.Speculation.HealthOptions(), Config.Pipeline.Staleness);
        // A resumed run decides whether its steps speculate from the rows it kept, as the uninterrupted run did.
        health?.Replay(MetricsLog.Read(Path.Combine(RunDirectory, MetricsLog.FileName)).Where(r => r.Step <= State.Step)
            .Select(r => (r.Step, r.AcceptanceLength, r.DrafterVersionLag)));
        // Draft models and MTP heads are frozen at what they were distilled from: the starting policy.
        DrafterStamp? frozen = Config.Speculation.Drafter is "draft-model" or "mtp" ? new DrafterStamp(0, null) : null;
        _cursor = new PromptCursor(Task, Config.Seed, State.PromptsConsumed);
        var cluster = Config.Cluster.Enabled ? ClusterPool(log) : null;
        return new PipelineParts(Config, _cursor, version => Publish(version, cluster?.Blobs), NewReplica,
            new LogProbStage(Policy, Config.Trainer.MicroBatch, Tokenizer.Special.Pad, Config.Rollout.Temperature, Config.Trainer.RecomputeLogprobs == "always", recomputeCapture, recomputeCapture is null ? null : _buffer), Learner, alignment,
            new StepRecorder(Config, RunDirectory, Policy, Tokenizer, Learner, Aligner, _weights, Drafter?.Name ?? "none", log,
                v => _weights.StampOf(v) ?? frozen, health, DrafterVersion), OldestVersion, cluster, health);
    }

    /// <summary>Snapshots the weights as <paramref name="version"/> for the replicas; in a cluster also as the blob rollout
    /// nodes fetch (policy and drafter together, checksummed).</summary>
    private void Publish(long version, BlobStore? blobs)
    {
        _weights.Publish(version, Policy, Aligner?.Head, DrafterVersion());
        blobs?.AddWeights(version, WeightBlob.Encode(version, Policy, Aligner?.Head));
    }

    /// <summary>Policy version the drafter's weights are aligned to now.</summary>
    private long DrafterVersion() => _alignment?.AlignedVersion ?? _drafterVersionAtStart;

    /// <summary>The cluster pool's settings, with the setup blob every rollout node fetches first.</summary>
    private ClusterPoolSettings ClusterPool(IProgress<string>? log)
    {
        var blobs = new BlobStore(RolloutNodeParts.KeptVersions(Config));
        blobs.Add(BlobStore.SetupKey, NodeSetup.Create(Config, Policy.Config, Tokenizer, Aligner?.Head.Config).Encode());
        return new ClusterPoolSettings(Config, blobs, Policy.Config, log);
    }

    /// <summary>A rollout worker's replica, filled from the weight store before its first chunk.</summary>
    private PolicyReplica NewReplica() =>
        new ReplicaFactory(Config, Policy.Config, Aligner?.Head.Config, Tokenizer, Task, Policy.Device, Policy.DType, _weights, PolicyDirectory, _rolloutSupervision).Create();

    /// <summary>The configured drafter over <paramref name="policy"/> (null when speculation is off); drafters keep per-batch
    /// state, so every generator gets its own.</summary>
    internal static IDrafter? DrafterFor(RunConfig config, PolicyModel policy, EagleHead? head, TextTokenizer tokenizer, string policyDir) =>
        !config.Speculation.Enabled ? null
        : head is not null ? (head.Config.Chunk ? new ChunkDrafter(policy, head) : new EagleDrafter(policy, head))
        : new DrafterFactory(policy, tokenizer, null, config.Seed, policyDir).Create(config.Speculation.Drafter);

    public static Grpo.GrpoOptions Options(TrainerSection t, RolloutSection rollout) =>
        new(t.LearningRate, t.WarmupSteps, t.MinLrRatio, t.ClipLow, t.ClipHigh, t.KlBeta, t.ScaleRewardsByStd, t.MicroBatch, t.GradClip, t.WeightDecay, rollout.Temperature);

    public void Dispose()
    {
        Learner.Dispose();
        Aligner?.Dispose();
        _weights.Dispose();
        _buffer?.Dispose();
        _cursor?.Dispose();
    }

    private static string WarmStartInto(RunConfig config, string directory, torch.Device device, IProgress<string>? log)
    {
        if (File.Exists(Path.Combine(directory, "config.json")))
        {
            log?.Report($"reusing the warm start in {directory}");
            return directory;
        }

        if (config.Task.Kind == "jsonl")
        {
            throw new ArgumentException("model.checkpoint is required for task.kind jsonl (the built-in warm start only knows the built-in tasks, arithmetic and chain).");
        }

        var shape = new PolicyShape(config.Model.Preset, config.Model.Layers, config.Model.Hidden, config.Model.Heads, config.Model.KvHeads, config.Model.Intermediate);
        log?.Report($"no model.checkpoint: warm-starting the built-in {config.Model.Preset} policy ({config.Model.WarmStartSteps} SFT steps) into {directory}");
        // Reports every ~1 % of the steps feed the progress line; the loss shown is the mean over those steps.
        var sft = new SftOptions(Steps: config.Model.WarmStartSteps, WarmupSteps: Math.Min(40, config.Model.WarmStartSteps / 4), Seed: config.Seed + 1233,
            LogEvery: Math.Max(1, config.Model.WarmStartSteps / 100));
        new WarmStart(new WarmStartOptions(TaskFactory.Create(config.Task), sft, shape, config.Task.EvalPrompts, directory), device).Run(log);
        return directory;
    }

    /// <summary>The run's EAGLE or chunk head with its trainer and the policy version it was aligned to: saved beside the
    /// policy, or pretrained now on its samples (and then saved beside the policy when <paramref name="save"/>: the run's
    /// own warm start).</summary>
    private static (EagleTrainer Trainer, long Version) HeadFor(RunConfig config, PolicyModel policy, TextTokenizer tokenizer, IVerifiableTask task, string policyDir, bool save, IProgress<string>? log)
    {
        var chunk = config.Speculation.Drafter == "chunk";
        var kind = chunk ? "chunk" : "EAGLE";
        if (EagleCheckpoint.Exists(policyDir, chunk))
        {
            var (head, version) = EagleCheckpoint.Load(policyDir, policy, chunk);
            log?.Report($"reusing the {kind} head saved beside the policy in {EagleCheckpoint.PathFor(policyDir, chunk)} (aligned to policy version {version}); no pretraining");
            return (new EagleTrainer(policy, head, config.Drafter.LearningRate), version);
        }

        torch.manual_seed(config.Seed + 23);
        var fresh = new EagleHead(policy.Config, EagleConfig.For(policy.Config, chunk)).to(policy.Device).to(policy.DType);
        var trainer = new EagleTrainer(policy, fresh, config.Drafter.LearningRate);
        if (config.Drafter.PretrainSteps > 0)
        {
            var steps = config.Drafter.PretrainSteps;
            log?.Report($"no {kind} head beside {policyDir}: pretraining one for {steps} steps on the policy's samples");
            var source = new PolicySampleSource(policy, tokenizer, task,
                new GenerationOptions(config.Rollout.MaxNewTokens, new SamplingParams(config.Rollout.Temperature)), 32, config.Seed + 5);
            var progress = new PhaseProgress(log, $"{kind} pretraining", steps, "steps");
            var kl = trainer.Pretrain(_ => source.Next(), tokenizer.Special.Pad, new SupervisionOptions(fresh.Config.FeatureLayers, config.Drafter.TeacherTopK),
                new DistillationOptions(Steps: steps, LearningRate: 3e-3, WarmupSteps: Math.Min(20, steps / 5), LogEvery: Math.Max(1, steps / 50)), config.Speculation.DraftTokens,
                new SynchronousProgress<(int Step, double[] Kl)>(p => progress.Report(p.Step, $"KL per draft step {p.Kl.Average():F3}")));
            progress.Done($"mean KL per draft step {kl.Average():F3}");
            if (save)
            {
                EagleCheckpoint.Save(policyDir, fresh, policy.Config, policyVersion: 0);
                log?.Report($"saved the {kind} head to {EagleCheckpoint.PathFor(policyDir, chunk)}: runs with model.checkpoint={policyDir} reuse it");
            }
        }

        return (trainer, 0);
    }
}
