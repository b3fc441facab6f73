using RlSpec.Policy.Tasks;
using RlSpec.Trainer.Grpo;
using RlSpec.Trainer.Pipeline;
using RlSpec.Trainer.Runs;

namespace RlSpec.Trainer.Actors;

/// <summary>Start (or resume) the run at <paramref name="State"/>.</summary>
public sealed record StartRun(TrainerState State) : IPipelineMessage;

/// <summary>Ask the data loader for step <paramref name="Step"/>'s prompts.</summary>
public sealed record LoadPrompts(int Step, int Count) : IPipelineMessage;

public sealed record PromptsLoaded(int Step, IReadOnlyList<TaskExample> Prompts, double Seconds) : IPipelineMessage;

/// <summary>Snapshot the learner's current weights as <paramref name="Version"/> for the rollout replicas.</summary>
public sealed record PublishWeights(long Version) : IPipelineMessage;

public sealed record WeightsPublished(long Version, double Seconds) : IPipelineMessage;

public sealed record RecomputeLogProbs(int Step, IReadOnlyList<ScoredRollout> Rollouts, long Version) : IPipelineMessage;

public sealed record LogProbsRecomputed(int Step, RecomputedLogProbs Result, double Seconds) : IPipelineMessage;

/// <summary>One GRPO update on a step's rollouts; <paramref name="OldLogProbs"/> is π_old of the importance ratio.</summary>
public sealed record UpdatePolicy(int Step, IReadOnlyList<ScoredRollout> Rollouts, IReadOnlyList<IReadOnlyList<float>> OldLogProbs) : IPipelineMessage;

public sealed record PolicyUpdated(int Step, UpdateMetrics Metrics, double Seconds) : IPipelineMessage;

/// <summary>Align the drafter to weights <paramref name="Version"/> from the supervision buffer.</summary>
public sealed record AlignDrafter(int Step, long Version) : IPipelineMessage;

public sealed record DrafterAligned(int Step, double Kl, double Seconds) : IPipelineMessage;
