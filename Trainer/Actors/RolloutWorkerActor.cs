using Akka.Actor;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Actors;

/// <summary>
/// Generates rollout chunks with its own replica (own weights copy, drafter state and caches). Holds no tensor math: it
/// routes messages to an <see cref="IRolloutChunkGenerator"/>, whose work runs on <see cref="IComputeThread"/> (the host
/// thread in sync mode, its own thread in async mode). If generation throws, the worker fails, the parent restarts it
/// (building a fresh replica), and before the restart it hands the failed work back so no prompt is lost.
/// </summary>
public sealed class RolloutWorkerActor : ReceiveActor
{
    private readonly IRolloutChunkGenerator _generator;

    public RolloutWorkerActor(Func<IRolloutChunkGenerator> createGenerator, IComputeThread compute)
    {
        // The replica's tensors are made where its work will run.
        _generator = compute.Run(createGenerator).GetAwaiter().GetResult();
        Receive<RolloutWork>(work => compute.Run(() => _generator.Generate(work.Prompts, work.PolicyVersion, work.Seed))
            .PipeTo(Self, success: batch => new ChunkGenerated(work, batch), failure: e => new WorkFailed(work, e)));
        Receive<LoadWeights>(load => compute.Run(() =>
            {
                _generator.Load(load.Version);
                return load.Version;
            })
            .PipeTo(Self, success: v => new WeightsLoaded(v), failure: e => new WorkFailed(load, e)));
        Receive<ChunkGenerated>(done => Context.Parent.Tell(new RolloutChunkDone(done.Work.Step, done.Work.Chunk, done.Batch)));
        Receive<WeightsLoaded>(loaded => Context.Parent.Tell(loaded));
        Receive<WorkFailed>(failed => throw new RolloutWorkerException(failed.Work, failed.Error));
    }

    public static Props Props(Func<IRolloutChunkGenerator> createGenerator, IComputeThread compute) =>
        Akka.Actor.Props.Create(() => new RolloutWorkerActor(createGenerator, compute));

    protected override void PreRestart(Exception reason, object message)
    {
        if (reason is RolloutWorkerException { Work: RolloutWork work } failure)
        {
            Context.Parent.Tell(new RedispatchWork(work, failure.InnerException?.Message ?? failure.Message));
        }
        else if (reason is RolloutWorkerException { Work: LoadWeights })
        {
            // A replica that cannot load published weights is a bug, not bad luck: fail the sync instead of retrying.
            Context.Parent.Tell(new Status.Failure(reason.InnerException ?? reason));
        }

        base.PreRestart(reason, message);
    }

    // Freeing tensors runs no parallel region, so it needs no particular thread.
    protected override void PostStop() => (_generator as IDisposable)?.Dispose();

    private sealed record ChunkGenerated(RolloutWork Work, RolloutBatch Batch) : INoSerializationVerificationNeeded;

    private sealed record WorkFailed(object Work, Exception Error) : INoSerializationVerificationNeeded;
}
