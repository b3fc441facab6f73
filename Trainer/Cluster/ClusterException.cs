namespace RlSpec.Trainer.Cluster;

/// <summary>The cluster cannot serve the run (too few rollout nodes in time, a node refused at join), with what to do in
/// the message.</summary>
public sealed class ClusterException(string message) : Exception(message);
