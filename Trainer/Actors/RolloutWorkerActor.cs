using Akka.Actor;

namespace RlSpec.Trainer.Actors;

/// <summary>
/// Generates rollout chunks with its own generator (its own drafter state and caches). Holds no tensor math: it
/// routes <see cref="RolloutWork"/> to an <see cref="IRolloutChunkGenerator"/>. If generation throws, the parent
/// restarts it, and before the restart it hands the failed work back so no prompt is lost.
/// </summary>
public sealed class RolloutWorkerActor : ReceiveActor
{
    public RolloutWorkerActor(Func<IRolloutChunkGenerator> createGenerator)
    {
        var generator = createGenerator();
        Receive<RolloutWork>(work => Sender.Tell(new RolloutChunkDone(work.Step, work.Chunk, generator.Generate(work.Prompts, work.PolicyVersion, work.Seed))));
    }

    public static Props Props(Func<IRolloutChunkGenerator> createGenerator) => Akka.Actor.Props.Create(() => new RolloutWorkerActor(createGenerator));

    protected override void PreRestart(Exception reason, object message)
    {
        if (message is RolloutWork work)
        {
            Context.Parent.Tell(new RedispatchWork(work));
        }

        base.PreRestart(reason, message);
    }
}
