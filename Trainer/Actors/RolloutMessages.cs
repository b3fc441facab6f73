using RlSpec.Policy.Tasks;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Actors;

/// <summary>Ask the pool for one step's rollouts from weights <paramref name="PolicyVersion"/>: <paramref name="Prompts"/> split into chunks across the workers;
/// <paramref name="Speculate"/> false = plain decoding (the drafter's health switched speculation off).</summary>
public sealed record GenerateStep(int Step, long PolicyVersion, IReadOnlyList<TaskExample> Prompts, ulong Seed, bool Speculate = true) : IPipelineMessage;

/// <summary>One chunk of a step for one worker. The seed is the chunk's own, so a re-dispatched chunk samples the same rollouts.</summary>
public sealed record RolloutWork(int Step, int Chunk, long PolicyVersion, IReadOnlyList<TaskExample> Prompts, ulong Seed, int Attempt = 1, bool Speculate = true) : IPipelineMessage;

/// <summary>A worker's finished chunk.</summary>
public sealed record RolloutChunkDone(int Step, int Chunk, RolloutBatch Batch) : IPipelineMessage;

/// <summary>Sent by a worker that is being restarted after failing on <paramref name="Work"/>, so the pool can hand it out again.</summary>
public sealed record RedispatchWork(RolloutWork Work, RemoteFailure Error) : IPipelineMessage;

/// <summary>The step's rollouts, chunks merged in prompt order, with the number of chunks that had to be re-dispatched
/// and of the rollout nodes that generated them (0 = the trainer's own in-process pool).</summary>
public sealed record StepRollouts(int Step, RolloutBatch Batch, int Redispatched, int Nodes = 0) : IPipelineMessage;

/// <summary>Ask the pool to load weights <paramref name="Version"/> into every worker's replica before the next step (sync mode's prepare stage).</summary>
public sealed record SyncWeights(long Version) : IPipelineMessage;

/// <summary>Tell one worker to load weights <paramref name="Version"/>.</summary>
public sealed record LoadWeights(long Version) : IPipelineMessage;

/// <summary>A worker's replica now holds <paramref name="Version"/>.</summary>
public sealed record WeightsLoaded(long Version) : IPipelineMessage;

/// <summary>Every worker holds <paramref name="Version"/>; <paramref name="Seconds"/> from request to the last acknowledgement,
/// <paramref name="Bytes"/> sent to rollout nodes for it (0 in one process).</summary>
public sealed record WeightsSynced(long Version, double Seconds, long Bytes = 0) : IPipelineMessage;
