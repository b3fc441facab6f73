using RlSpec.Policy.Tasks;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Actors;

/// <summary>What a rollout worker runs: G samples of each prompt of one chunk, scored (implemented by <see cref="RolloutGenerator"/>).</summary>
public interface IRolloutChunkGenerator
{
    RolloutBatch Generate(IReadOnlyList<TaskExample> prompts, long policyVersion, ulong seed);
}
