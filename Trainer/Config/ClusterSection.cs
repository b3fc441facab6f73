namespace RlSpec.Trainer.Config;

/// <summary>
/// Multi-machine deployment on an Akka.NET cluster: this process becomes the <c>trainer</c> node, and rollout nodes
/// started with <c>rlspec worker --join HOST:PORT</c> generate every step's rollouts. Off by default: without this
/// section a run is one process, as before.
/// </summary>
public sealed record ClusterSection
{
    /// <summary>Run as the trainer node of a cluster (all rollouts on rollout nodes).</summary>
    public bool Enabled { get; init; }

    /// <summary>Address the trainer binds and advertises; 127.0.0.1 keeps the cluster on this machine. Use this host's
    /// address on the network (e.g. 10.0.0.5) for workers on other machines.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>TCP port of the trainer node; workers join HOSTNAME:PORT.</summary>
    public int Port { get; init; } = 4053;

    /// <summary>Seed nodes as HOST:PORT; empty = the trainer itself (the usual setup: workers join the trainer).</summary>
    public List<string> SeedNodes { get; init; } = [];

    /// <summary>Rollout nodes that must have joined, and loaded the current weights, before the first step generates.</summary>
    public int MinRolloutNodes { get; init; } = 1;

    /// <summary>Seconds to wait for <see cref="MinRolloutNodes"/> (and, later, for any rollout node when none is left)
    /// before the run fails.</summary>
    public int JoinTimeoutS { get; init; } = 120;
}
