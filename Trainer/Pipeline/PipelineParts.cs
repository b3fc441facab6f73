using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Grpo;

namespace RlSpec.Trainer.Pipeline;

/// <summary>The plain objects behind the pipeline's actors, built by <see cref="Training.TrainingSetup"/>.</summary>
/// <param name="Publish">Snapshots the learner's weights (and the drafter's) as the given version.</param>
/// <param name="NewReplica">A rollout worker's own replica; called again when a crashed worker restarts.</param>
/// <param name="Alignment">Null when the drafter is not aligned online.</param>
/// <param name="OldestVersion">Oldest weights version the store holds at the start (see <see cref="StepSchedule"/>).</param>
/// <param name="Cluster">Set when rollouts run on rollout nodes (a <c>cluster:</c> section); null = one process.</param>
/// <param name="Health">The drafter's health, which also decides whether a step speculates (null without speculation).</param>
public sealed record PipelineParts(
    RunConfig Config,
    PromptCursor Cursor,
    Action<long> Publish,
    Func<IRolloutChunkGenerator> NewReplica,
    LogProbStage LogProb,
    GrpoLearner Learner,
    DrafterAlignment? Alignment,
    StepRecorder Recorder,
    long OldestVersion,
    Cluster.ClusterPoolSettings? Cluster = null,
    DrafterHealth? Health = null)
{
    /// <summary>Sampling seed of a step: a function of (seed, step) only, so resumed steps sample what they would have.</summary>
    public ulong StepSeed(int step) => (ulong)(((long)Config.Seed * 1_000_003) + step);
}
