using System.Diagnostics;
using Akka.Actor;

namespace RlSpec.Trainer.Actors;

/// <summary>
/// The shape every trainer-side stage shares: one request type, routed to a plain stage object, answered with a
/// reply that carries the stage's wall time (the handler gets the started clock). It holds no state of its own, so
/// a failure is not retried here: it goes to the coordinator's supervisor, which ends the run with the error.
/// </summary>
public sealed class StageActor<TRequest> : ReceiveActor where TRequest : IPipelineMessage
{
    public StageActor(Func<TRequest, Stopwatch, IPipelineMessage> handle) =>
        Receive<TRequest>(request => Sender.Tell(handle(request, Stopwatch.StartNew())));

    public static Props Props(Func<TRequest, Stopwatch, IPipelineMessage> handle) => Akka.Actor.Props.Create(() => new StageActor<TRequest>(handle));
}
