using Akka.Actor;

namespace RlSpec.Trainer.Actors;

/// <summary>
/// Generates rollout chunks with its own replica (own weights copy, drafter state and caches). Holds no tensor math: it
/// routes messages to an <see cref="IRolloutChunkGenerator"/>. If generation throws, the parent restarts it (building a
/// fresh replica), and before the restart it hands the failed work back so no prompt is lost.
/// </summary>
public sealed class RolloutWorkerActor : ReceiveActor
{
    private readonly IDisposable? _replica;

    public RolloutWorkerActor(Func<IRolloutChunkGenerator> createGenerator)
    {
        var generator = createGenerator();
        _replica = generator as IDisposable;
        Receive<RolloutWork>(work => Sender.Tell(new RolloutChunkDone(work.Step, work.Chunk, generator.Generate(work.Prompts, work.PolicyVersion, work.Seed))));
        Receive<LoadWeights>(load =>
        {
            generator.Load(load.Version);
            Sender.Tell(new WeightsLoaded(load.Version));
        });
    }

    public static Props Props(Func<IRolloutChunkGenerator> createGenerator) => Akka.Actor.Props.Create(() => new RolloutWorkerActor(createGenerator));

    protected override void PreRestart(Exception reason, object message)
    {
        if (message is RolloutWork work)
        {
            Context.Parent.Tell(new RedispatchWork(work, reason.Message));
        }
        else if (message is LoadWeights)
        {
            // A replica that cannot load published weights is a bug, not bad luck: fail the sync instead of retrying.
            Context.Parent.Tell(new Status.Failure(reason));
        }

        base.PreRestart(reason, message);
    }

    protected override void PostStop() => _replica?.Dispose();
}
