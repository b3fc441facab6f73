using System.Diagnostics;
using Akka.Actor;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Actors;

/// <summary>
/// A pool of rollout workers under one-for-one supervision. A step's prompts are cut into chunks (whole prompts, so a
/// GRPO group never straddles workers) and dealt round-robin; a worker that crashes mid-chunk is restarted and its
/// chunk dealt again, up to <c>maxAttempts</c> times before the step fails. Chunks are keyed by (step, chunk), so a
/// late or repeated reply is ignored: every prompt is counted exactly once, and the merged batch keeps prompt order.
/// </summary>
public sealed class RolloutPoolActor : ReceiveActor
{
    private readonly IActorRef[] _workers;
    private readonly int _maxAttempts;
    private int _next;
    private IActorRef? _requester;
    private GenerateStep? _step;
    private RolloutBatch?[] _done = [];
    private Stopwatch _clock = new();
    private int _redispatched;
    private (SyncWeights Request, IActorRef Requester, int Pending, Stopwatch Clock)? _sync;

    public RolloutPoolActor(int workers, Func<IRolloutChunkGenerator> createGenerator, IComputeThread compute, int maxAttempts)
    {
        _maxAttempts = maxAttempts;
        _workers = Enumerable.Range(0, workers).Select(i => Context.ActorOf(RolloutWorkerActor.Props(createGenerator, compute), $"rollout-worker-{i}")).ToArray();
        Receive<GenerateStep>(Start);
        Receive<RolloutChunkDone>(Done);
        Receive<RedispatchWork>(Redispatch);
        Receive<SyncWeights>(StartSync);
        Receive<WeightsLoaded>(Loaded);
        Receive<Status.Failure>(failure => (_sync?.Requester ?? _requester)?.Tell(failure));
    }

    /// <param name="compute">Where the workers' tensor work runs (null = each on its own thread).</param>
    public static Props Props(int workers, Func<IRolloutChunkGenerator> createGenerator, IComputeThread? compute = null, int maxAttempts = 3) =>
        Akka.Actor.Props.Create<RolloutPoolActor>(workers, createGenerator, compute ?? InlineCompute.Instance, maxAttempts);

    /// <summary>Restart a failed worker (its replica is rebuilt); the failed chunk comes back via <see cref="RedispatchWork"/>.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);

    /// <summary>Seed of one chunk: a function of the step's seed and the chunk index only; chunk 0 keeps the step's seed,
    /// so a one-worker pool samples exactly what generating the step in one piece would.</summary>
    public static ulong ChunkSeed(ulong stepSeed, int chunk) => stepSeed + ((ulong)chunk * 0x9E3779B97F4A7C15UL);

    /// <summary>A step cut into at most <paramref name="count"/> chunks of whole prompts (a GRPO group never straddles
    /// two), each with its own seed. Rollout nodes get the same chunks a single process with that many workers makes, so
    /// both sample the same rollouts.</summary>
    public static IReadOnlyList<RolloutWork> Chunks(GenerateStep step, int count)
    {
        var size = (int)Math.Ceiling(step.Prompts.Count / (double)count);
        return step.Prompts.Chunk(Math.Max(1, size)).Select((prompts, c) => new RolloutWork(step.Step, c, step.PolicyVersion, prompts, ChunkSeed(step.Seed, c), Speculate: step.Speculate)).ToList();
    }

    private void Start(GenerateStep step)
    {
        (_requester, _step, _clock, _redispatched) = (Sender, step, Stopwatch.StartNew(), 0);
        var chunks = Chunks(step, _workers.Length);
        _done = new RolloutBatch?[chunks.Count];
        foreach (var chunk in chunks)
        {
            Deal(chunk);
        }
    }

    private void Redispatch(RedispatchWork failed)
    {
        if (failed.Work.Attempt >= _maxAttempts)
        {
            _requester?.Tell(new Status.Failure(new InvalidOperationException(
                $"rollout chunk {failed.Work.Chunk} of step {failed.Work.Step + 1} failed {failed.Work.Attempt} times; last error: {failed.Error}")));
            _step = null;
            return;
        }

        _redispatched++;
        Deal(failed.Work with { Attempt = failed.Work.Attempt + 1 });
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
            _requester!.Tell(new StepRollouts(done.Step, RolloutBatch.Concat(_done!, _clock.Elapsed.TotalSeconds), _redispatched));
            _step = null;
        }
    }

    private void StartSync(SyncWeights sync)
    {
        _sync = (sync, Sender, _workers.Length, Stopwatch.StartNew());
        foreach (var worker in _workers)
        {
            worker.Tell(new LoadWeights(sync.Version));
        }
    }

    private void Loaded(WeightsLoaded loaded)
    {
        if (_sync is not { } sync || loaded.Version != sync.Request.Version)
        {
            return;
        }

        _sync = sync with { Pending = sync.Pending - 1 };
        if (sync.Pending == 1)
        {
            sync.Requester.Tell(new WeightsSynced(loaded.Version, sync.Clock.Elapsed.TotalSeconds));
            _sync = null;
        }
    }
}
