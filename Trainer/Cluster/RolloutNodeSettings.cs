using RlSpec.Policy.Model;
using RlSpec.Trainer.Actors;
using TorchSharp;

namespace RlSpec.Trainer.Cluster;

/// <summary>What one session of a rollout node runs with (built by <c>rlspec worker</c>).</summary>
/// <param name="Workers">Rollout workers on this node, each with its own replica and thread.</param>
/// <param name="ExpectedModel">Model shape the node was told to expect (null = whatever the trainer runs).</param>
/// <param name="ExpectedConfig">Config the node was told to expect, flattened (null = the trainer's).</param>
/// <param name="Compute">Where the node's own heavy work runs (checksums, building the setup): the process's main thread.</param>
/// <param name="Outcome">Completed when the session ends.</param>
public sealed record RolloutNodeSettings(int Workers, torch.Device Device, PolicyConfig? ExpectedModel, IReadOnlyDictionary<string, string>? ExpectedConfig,
    IComputeThread Compute, TaskCompletionSource<NodeOutcome> Outcome, IProgress<string>? Log);
