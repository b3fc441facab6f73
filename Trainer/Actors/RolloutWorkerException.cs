namespace RlSpec.Trainer.Actors;

/// <summary>A rollout worker's work item failed; carries the item so supervision can hand it out again.</summary>
public sealed class RolloutWorkerException(object work, Exception error)
    : Exception($"rollout worker failed on {work.GetType().Name}: {error.Message}", error)
{
    public object Work { get; } = work;
}
