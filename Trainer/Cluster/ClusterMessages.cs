using RlSpec.Policy.Model;
using RlSpec.Trainer.Actors;

namespace RlSpec.Trainer.Cluster;

/// <summary>
/// A rollout node asks the trainer to take it on. <paramref name="Model"/> and <paramref name="Config"/> are what the
/// node was told to expect (its own <c>--config</c>), null when it takes whatever the trainer runs; the trainer refuses a
/// node whose protocol, model shape or config differs from its own.
/// </summary>
/// <param name="Config">The node's config as flat <c>section.key → value</c> pairs (<see cref="NodeAdmission.Flatten"/>).</param>
public sealed record RegisterRolloutNode(int Protocol, string Node, int Workers, PolicyConfig? Model, IReadOnlyDictionary<string, string>? Config) : IPipelineMessage;

/// <summary>Taken on: fetch the setup blob, build the replicas, fetch weights <paramref name="Version"/> (−1 = none
/// published yet), then say <see cref="RolloutNodeReady"/>.</summary>
public sealed record RolloutNodeAccepted(string SetupKey, long Version) : IPipelineMessage;

/// <summary>Not taken on, and why (shown by the worker as its error).</summary>
public sealed record RolloutNodeRefused(string Reason) : IPipelineMessage;

/// <summary>The node's replicas are built and hold weights <paramref name="Version"/>: it can take work.</summary>
public sealed record RolloutNodeReady(long Version) : IPipelineMessage;

/// <summary>A node's answer to <see cref="LoadWeights"/>: every replica on it holds <paramref name="Version"/>, for which
/// it fetched <paramref name="Bytes"/> from the trainer (0 when it already had them).</summary>
public sealed record NodeWeightsLoaded(long Version, long Bytes) : IPipelineMessage;

/// <summary>A node could not do what it must (build its replicas, load published weights): a bug, which ends the run.</summary>
public sealed record RolloutNodeFailed(RemoteFailure Error) : IPipelineMessage;

/// <summary>The run is over (<paramref name="Completed"/> or failed with <paramref name="Message"/>): a worker exits
/// after a completed run and waits for a trainer again after a failed one.</summary>
public sealed record RunFinished(bool Completed, string Message) : IPipelineMessage;

public sealed record RunFinishedAck(string Node) : IPipelineMessage;

/// <summary>From the trainer's host to its pool once the run is over: tell every node, then answer with a <see cref="RunFinishedAck"/>.</summary>
public sealed record FinishRun(bool Completed, string Message) : IPipelineMessage;
