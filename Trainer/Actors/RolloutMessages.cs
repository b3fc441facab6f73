using RlSpec.Policy.Tasks;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Actors;

/// <summary>Ask the pool for one step's rollouts: <paramref name="Prompts"/> split into chunks across the workers.</summary>
public sealed record GenerateStep(int Step, long PolicyVersion, IReadOnlyList<TaskExample> Prompts, ulong Seed);

/// <summary>One chunk of a step for one worker. The seed is the chunk's own, so a re-dispatched chunk samples the same rollouts.</summary>
public sealed record RolloutWork(int Step, int Chunk, long PolicyVersion, IReadOnlyList<TaskExample> Prompts, ulong Seed);

/// <summary>A worker's finished chunk.</summary>
public sealed record RolloutChunkDone(int Step, int Chunk, RolloutBatch Batch);

/// <summary>Sent by a worker that is being restarted after failing on <paramref name="Work"/>, so the pool can hand it out again.</summary>
public sealed record RedispatchWork(RolloutWork Work);

/// <summary>The step's rollouts, chunks merged in prompt order, with the number of chunks that had to be re-dispatched.</summary>
public sealed record StepRollouts(int Step, RolloutBatch Batch, int Redispatched);
