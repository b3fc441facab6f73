namespace RlSpec.Trainer.Cluster;

/// <summary>Version of the trainer ↔ rollout-node protocol (messages, blob layout, chunking); nodes of another version are
/// refused at join. Bump it with any change a node of the previous build would misread.</summary>
public static class ClusterProtocol
{
    public const int Version = 1;

    /// <summary>Akka cluster roles.</summary>
    public const string TrainerRole = "trainer";
    public const string RolloutRole = "rollout";

    /// <summary>The actor system name every node shares (Akka refuses joins across names).</summary>
    public const string SystemName = "rlspec";

    /// <summary>Where a rollout node finds the trainer's pool: <c>akka.tcp://rlspec@HOST:PORT</c> + this.</summary>
    public const string PoolPath = "/user/rollout-pool";
}
