using Akka.Actor;
using RlSpec.Trainer.Cluster;
using RlSpec.Trainer.Pipeline;
using RlSpec.Trainer.Runs;

namespace RlSpec.Trainer.Actors;

/// <summary>Runs a GRPO run as an actor system: starts the coordinator at <paramref name="start"/>, then runs the stages' tensor
/// work on this thread (<see cref="HostThread"/>) until the last step is recorded or a stage fails (that exception is
/// rethrown here).</summary>
public static class TrainingPipeline
{
    public static IReadOnlyList<StepMetrics> Run(PipelineParts parts, TrainerState start, IProgress<StepMetrics>? progress = null,
        Action<int>? afterStep = null)
    {
        if (start.PolicyVersion != start.Step)
        {
            throw new InvalidDataException($"trainer state at step {start.Step} has weights version {start.PolicyVersion}; versions count updates, one per step.");
        }

        var schedule = new StepSchedule(parts.Config.Pipeline.Staleness, parts.Config.Trainer.Steps, parts.OldestVersion);
        var completion = new TaskCompletionSource<IReadOnlyList<StepMetrics>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = new HostThread();
        var hocon = PipelineHocon.Create(parts.Config.Pipeline.SerializeMessages);
        var system = ActorSystem.Create(ClusterProtocol.SystemName, parts.Cluster is null ? hocon : ClusterHocon.Trainer(parts.Cluster.Cluster).WithFallback(hocon));
        // In a cluster the pool is a top-level actor at a known path, where rollout nodes register.
        var pool = parts.Cluster is null ? null : system.ActorOf(ClusterRolloutPoolActor.Props(parts.Cluster), ClusterProtocol.PoolPath.Split('/')[^1]);
        try
        {
            system.ActorOf(CoordinatorActor.Props(parts, schedule, host, completion, progress, afterStep, pool), "coordinator").Tell(new StartRun(start));
            return host.Pump(completion.Task);
        }
        finally
        {
            if (pool is not null)
            {
                // Tell the rollout nodes the run is over (they exit after a completed run, wait for the next trainer otherwise).
                var failure = completion.Task.Exception?.InnerException?.Message ?? (completion.Task.IsCompletedSuccessfully ? "" : "the trainer stopped");
                _ = pool.Ask<RunFinishedAck>(new FinishRun(completion.Task.IsCompletedSuccessfully, failure), TimeSpan.FromSeconds(10))
                    .ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(11));
            }

            // A worker mid-chunk finishes that chunk before it stops; don't wait for it longer than a chunk could take.
            system.Terminate().Wait(TimeSpan.FromSeconds(30));
        }
    }
}
