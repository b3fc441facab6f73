using RlSpec.Policy.Model;
using RlSpec.Trainer.Config;

namespace RlSpec.Trainer.Cluster;

/// <summary>What the trainer's cluster rollout pool works with (built by <see cref="Training.TrainingSetup"/>).</summary>
/// <param name="Blobs">The setup blob and every published weights version, served to nodes in chunks.</param>
/// <param name="Model">The policy's shape, checked against a joining node's expectation.</param>
/// <param name="Log">Join, loss and re-deal notices.</param>
public sealed record ClusterPoolSettings(RunConfig Config, BlobStore Blobs, PolicyConfig Model, IProgress<string>? Log, int MaxAttempts = 3)
{
    public ClusterSection Cluster => Config.Cluster;

    /// <summary>Chunks per step: as many as a single process makes with <c>pipeline.rollout_workers</c> workers, so the
    /// cluster samples what that process would, whatever nodes come and go.</summary>
    public int Chunks => Config.Pipeline.RolloutWorkers;
}
