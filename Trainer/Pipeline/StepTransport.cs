namespace RlSpec.Trainer.Pipeline;

/// <summary>Where a step's rollouts were generated, and what getting its weights there cost.</summary>
/// <param name="RolloutNodes">Rollout nodes that generated the step (0 = the trainer's own in-process pool).</param>
/// <param name="WeightSyncSeconds">Seconds from asking every replica to hold the step's weights version to the last one
/// holding it (sync mode; fetched on demand inside generation in async mode, where this is 0).</param>
/// <param name="WeightSyncBytes">Bytes of that version sent to rollout nodes (0 in one process).</param>
public sealed record StepTransport(int RolloutNodes, double WeightSyncSeconds, long WeightSyncBytes)
{
    public static readonly StepTransport None = new(0, 0, 0);
}
