using System.Diagnostics;
using Akka.Actor;

namespace RlSpec.Trainer.Actors;

/// <summary>
/// The shape every trainer-side stage shares: one request type, routed to a plain stage object whose work runs on the
/// <see cref="IComputeThread"/>, answered with a reply that carries the stage's wall time (the handler gets the
/// clock, started when the work starts: time queued behind other stages' work on the compute thread is waiting, not this
/// stage's work). The actor never blocks. It holds no state of its own, so a failure is not retried: the error goes
/// back to the requester (the coordinator) as a <see cref="Status.Failure"/> and ends the run.
/// </summary>
public sealed class StageActor<TRequest> : ReceiveActor where TRequest : IPipelineMessage
{
    public StageActor(IComputeThread compute, Func<TRequest, Stopwatch, IPipelineMessage> handle) =>
        Receive<TRequest>(request =>
            compute.Run(() => handle(request, Stopwatch.StartNew())).PipeTo(Sender));

    public static Props Props(IComputeThread compute, Func<TRequest, Stopwatch, IPipelineMessage> handle) =>
        Akka.Actor.Props.Create(() => new StageActor<TRequest>(compute, handle));
}
