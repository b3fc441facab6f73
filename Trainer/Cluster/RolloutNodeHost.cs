using System.Runtime.InteropServices;
using Akka.Actor;
using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Config;

namespace RlSpec.Trainer.Cluster;

/// <summary>
/// The process of a rollout node (<c>rlspec worker</c>): one session per trainer. Each session is a fresh actor system
/// that joins the trainer's address, serves its run, and ends with a <see cref="NodeOutcome"/>; the calling thread
/// pumps the session's heavy work (<see cref="HostThread"/>) meanwhile. When the trainer goes away (killed, or resumed
/// elsewhere) the node joins again and waits for the next trainer at that address, so workers can stay up across a
/// trainer restart.
/// </summary>
public static class RolloutNodeHost
{
    /// <summary>Serves runs until one completes; throws <see cref="ClusterException"/> when the trainer refuses the node.</summary>
    public static void Run(HostPort join, string hostname, int port, Func<TaskCompletionSource<NodeOutcome>, IComputeThread, RolloutNodeSettings> settings, IProgress<string> log)
    {
        // The main thread pumps tensor work, so the runtime's default SIGTERM handling would wait on it forever:
        // end the session instead, which leaves the cluster and returns.
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        while (!stop.IsCancellationRequested)
        {
            var outcome = RunSession(join, hostname, port, settings, log, stop.Token);
            switch (outcome.How)
            {
                case NodeOutcome.Kind.Finished or NodeOutcome.Kind.Stopped:
                    log.Report(outcome.How == NodeOutcome.Kind.Finished ? "done" : "stopped");
                    return;
                case NodeOutcome.Kind.Refused or NodeOutcome.Kind.Failed:
                    throw new ClusterException(outcome.Message);
                default:
                    log.Report($"{outcome.Message}; joining {join} again");
                    Thread.Sleep(TimeSpan.FromSeconds(1));
                    break;
            }
        }
    }

    private static NodeOutcome RunSession(HostPort join, string hostname, int port, Func<TaskCompletionSource<NodeOutcome>, IComputeThread, RolloutNodeSettings> settings,
        IProgress<string> log, CancellationToken stop)
    {
        var outcome = new TaskCompletionSource<NodeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopping = stop.Register(() => outcome.TrySetResult(new NodeOutcome(NodeOutcome.Kind.Stopped, "asked to stop")));
        using var host = new HostThread();
        var system = ActorSystem.Create(ClusterProtocol.SystemName, ClusterHocon.RolloutNode(hostname, port, join).WithFallback(PipelineHocon.Create()));
        // Downed by the trainer (or cut off from it): the cluster stops this system, and the session is over.
        _ = system.WhenTerminated.ContinueWith(_ => outcome.TrySetResult(new NodeOutcome(NodeOutcome.Kind.Lost, "this node left the cluster")), TaskScheduler.Default);
        try
        {
            log.Report($"rollout node {Akka.Cluster.Cluster.Get(system).SelfAddress} joining the trainer at {join}");
            system.ActorOf(RolloutNodeActor.Props(settings(outcome, host)), "rollout-node");
            return host.Pump(outcome.Task);
        }
        finally
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(15));
        }
    }
}
