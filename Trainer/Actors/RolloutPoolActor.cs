using Akka.Actor;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Actors;

/// <summary>
/// A pool of rollout workers under one-for-one supervision. A step's prompts are cut into chunks (whole prompts, so a
/// GRPO group never straddles workers) and dealt round-robin; a worker that crashes mid-chunk is restarted and its
/// chunk dealt again. Chunks are keyed by (step, chunk), so a late or repeated reply is ignored: every prompt is
/// counted exactly once, and the merged batch keeps prompt order.
/// </summary>
public sealed class RolloutPoolActor : ReceiveActor
{
    private readonly IActorRef[] _workers;
    private int _next;
    private IActorRef? _requester;
    private GenerateStep? _step;
    private RolloutBatch?[] _done = [];
    private DateTime _started;
    private int _redispatched;

    public RolloutPoolActor(int workers, Func<IRolloutChunkGenerator> createGenerator)
    {
        _workers = Enumerable.Range(0, workers).Select(i => Context.ActorOf(RolloutWorkerActor.Props(createGenerator), $"rollout-worker-{i}")).ToArray();
        Receive<GenerateStep>(Start);
        Receive<RolloutChunkDone>(Done);
        Receive<RedispatchWork>(r =>
        {
            _redispatched++;
            Deal(r.Work);
        });
    }

    public static Props Props(int workers, Func<IRolloutChunkGenerator> createGenerator) =>
        Akka.Actor.Props.Create(() => new RolloutPoolActor(workers, createGenerator));

    /// <summary>Restart a failed worker (its generator is rebuilt) however often it fails; the failed chunk comes back via <see cref="RedispatchWork"/>.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);

    /// <summary>Seed of one chunk: a function of the step's seed and the chunk index only.</summary>
    public static ulong ChunkSeed(ulong stepSeed, int chunk) => (stepSeed * 1_000_003UL) + (ulong)chunk;

    private void Start(GenerateStep step)
    {
        (_requester, _step, _started, _redispatched) = (Sender, step, DateTime.UtcNow, 0);
        var size = (int)Math.Ceiling(step.Prompts.Count / (double)_workers.Length);
        var chunks = step.Prompts.Chunk(Math.Max(1, size)).ToArray();
        _done = new RolloutBatch?[chunks.Length];
        for (var c = 0; c < chunks.Length; c++)
        {
            Deal(new RolloutWork(step.Step, c, step.PolicyVersion, chunks[c], ChunkSeed(step.Seed, c)));
        }
    }

    private void Deal(RolloutWork work)
    {
        _workers[_next].Tell(work);
        _next = (_next + 1) % _workers.Length;
    }

    private void Done(RolloutChunkDone done)
    {
        if (_step is null || done.Step != _step.Step || _done[done.Chunk] is not null)
        {
            return;
        }

        _done[done.Chunk] = done.Batch;
        if (_done.All(b => b is not null))
        {
            _requester!.Tell(new StepRollouts(done.Step, Merge(_done!, (DateTime.UtcNow - _started).TotalSeconds), _redispatched));
            _step = null;
        }
    }

    private static RolloutBatch Merge(RolloutBatch[] parts, double seconds) => new(
        [.. parts.SelectMany(p => p.Rollouts)], [.. parts.SelectMany(p => p.Examples)], [.. parts.SelectMany(p => p.Texts)],
        [.. parts.SelectMany(p => p.Reasons)], [.. parts.SelectMany(p => p.VerifySteps)], seconds, parts.Sum(p => p.Emitted), parts.Sum(p => p.RowSteps));
}
