using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Pipeline;

/// <summary>
/// A rollout worker's own copy of the policy (and of the EAGLE head when there is one) with the generator built over
/// it. Before each chunk it loads the weights version the chunk names, so the learner can update the originals while
/// this copy generates.
/// </summary>
public sealed class PolicyReplica(IWeightSource store, PolicyModel policy, EagleHead? head, Func<PolicyModel, EagleHead?, RolloutGenerator> generatorFor)
    : IRolloutChunkGenerator, IDisposable
{
    private readonly RolloutGenerator _generator = generatorFor(policy, head);

    /// <summary>Weights version currently loaded (−1 = none yet).</summary>
    public long Version { get; private set; } = -1;

    public void Load(long version)
    {
        if (version != Version)
        {
            store.LoadInto(version, policy, head);
            Version = version;
        }
    }

    public RolloutBatch Generate(IReadOnlyList<TaskExample> prompts, long policyVersion, ulong seed, bool speculate = true)
    {
        Load(policyVersion);
        return _generator.Generate(prompts, policyVersion, seed, speculate);
    }

    public void Dispose()
    {
        _generator.Dispose();
        policy.Dispose();
        head?.Dispose();
    }
}
