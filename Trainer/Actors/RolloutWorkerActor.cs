using Akka.Actor;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Actors;

/// <summary>
/// Generates rollout chunks with its own replica (own weights copy, drafter state and caches). Holds no tensor math: it
/// routes messages to an <see cref="IRolloutChunkGenerator"/>, whose work runs on <see cref="IComputeThread"/> (the host
/// thread in sync mode, its own thread in async mode and on rollout nodes). The replica is built on that thread too,
/// without blocking: work that arrives before it exists waits in the stash, so a restart after the host thread has
/// stopped pumping leaves a worker that never starts instead of a dispatcher thread blocked forever. If generation
/// throws, the worker fails, the parent restarts it (building a fresh replica), and before the restart it hands the
/// failed work back so no prompt is lost.
/// </summary>
public sealed class RolloutWorkerActor : ReceiveActor, IWithUnboundedStash
{
    private readonly Func<IRolloutChunkGenerator> _createGenerator;
    private readonly IComputeThread _compute;
    private Task<IRolloutChunkGenerator>? _creating;
    private IRolloutChunkGenerator? _generator;

    public RolloutWorkerActor(Func<IRolloutChunkGenerator> createGenerator, IComputeThread compute)
    {
        (_createGenerator, _compute) = (createGenerator, compute);
        Receive<GeneratorReady>(ready =>
        {
            _generator = ready.Generator;
            Become(Working);
            Stash.UnstashAll();
        });
        Receive<WorkFailed>(failed => throw new RolloutWorkerException(failed.Work, failed.Error));
        ReceiveAny(_ => Stash.Stash());
    }

    public IStash Stash { get; set; } = null!;

    public static Props Props(Func<IRolloutChunkGenerator> createGenerator, IComputeThread compute) =>
        Akka.Actor.Props.Create<RolloutWorkerActor>(createGenerator, compute);

    protected override void PreStart()
    {
        // The replica's tensors are made where its work will run.
        _creating = _compute.Run(_createGenerator);
        _creating.PipeTo(Self, success: g => new GeneratorReady(g), failure: e => new WorkFailed("its replica", e));
    }

    private void Working()
    {
        var generator = _generator!;
        Receive<RolloutWork>(work => _compute.Run(() => generator.Generate(work.Prompts, work.PolicyVersion, work.Seed, work.Speculate))
            .PipeTo(Self, success: batch => new ChunkGenerated(work, batch), failure: e => new WorkFailed(work, e)));
        Receive<LoadWeights>(load => _compute.Run(() =>
            {
                generator.Load(load.Version);
                return load.Version;
            })
            .PipeTo(Self, success: v => new WeightsLoaded(v), failure: e => new WorkFailed(load, e)));
        Receive<ChunkGenerated>(done => Context.Parent.Tell(new RolloutChunkDone(done.Work.Step, done.Work.Chunk, done.Batch)));
        Receive<WeightsLoaded>(loaded => Context.Parent.Tell(loaded));
        Receive<WorkFailed>(failed => throw new RolloutWorkerException(failed.Work, failed.Error));
    }

    protected override void PreRestart(Exception reason, object message)
    {
        if (reason is RolloutWorkerException { Work: RolloutWork work } failure)
        {
            Context.Parent.Tell(new RedispatchWork(work, RemoteFailure.Of(failure.InnerException ?? failure)));
        }
        else if (reason is RolloutWorkerException { Work: LoadWeights or string })
        {
            // A replica that cannot be built or load published weights is a bug, not bad luck: fail instead of retrying.
            Context.Parent.Tell(new Status.Failure(reason.InnerException ?? reason));
        }

        base.PreRestart(reason, message);
    }

    // Freeing tensors runs no parallel region, so it needs no particular thread. A replica still being built is freed
    // when it is done.
    protected override void PostStop()
    {
        if (_generator is not null)
        {
            (_generator as IDisposable)?.Dispose();
        }
        else
        {
            _creating?.ContinueWith(t => (t.Result as IDisposable)?.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
        }
    }

    private sealed record GeneratorReady(IRolloutChunkGenerator Generator) : INoSerializationVerificationNeeded;

    private sealed record ChunkGenerated(RolloutWork Work, RolloutBatch Batch) : INoSerializationVerificationNeeded;

    private sealed record WorkFailed(object Work, Exception Error) : INoSerializationVerificationNeeded;
}
