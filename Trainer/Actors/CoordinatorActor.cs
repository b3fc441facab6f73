using System.Diagnostics;
using Akka.Actor;
using RlSpec.Trainer.Pipeline;
using RlSpec.Trainer.Runs;

namespace RlSpec.Trainer.Actors;

/// <summary>
/// Drives a run through its stage actors. Rollout generation (the worker pool) and the trainer-side chain
/// log-prob → update → drafter alignment → weight publish run concurrently; <see cref="StepSchedule"/> decides which
/// weights version generates each step, so sync mode is strictly on-policy and async mode overlaps generation of step
/// t+1 with the update of step t. Trainer-side stages never overlap each other, so the run directory is written
/// while nothing changes the weights; that writing (metrics, rollout log, checkpoints) runs on the host thread like
/// every other stage's work, never on the coordinator's. Any stage failure ends the run with that error.
/// </summary>
public sealed class CoordinatorActor : ReceiveActor
{
    private readonly PipelineParts _parts;
    private readonly StepSchedule _schedule;
    private readonly TaskCompletionSource<IReadOnlyList<StepMetrics>> _completion;
    private readonly IProgress<StepMetrics>? _progress;
    private readonly Action<int>? _afterStep;
    private readonly IComputeThread _host;
    private readonly IActorRef _data, _weights, _pool, _logProb, _learner;
    private readonly IActorRef? _aligner;
    private readonly Dictionary<int, PromptsLoaded> _prompts = [];
    private readonly Dictionary<int, StepRollouts> _rollouts = [];
    private readonly Dictionary<long, double> _prepareSeconds = [];
    private readonly Dictionary<long, WeightsSynced> _synced = [];
    private readonly List<StepMetrics> _rows = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TrainerState _state = new(0, 0, 0);
    private int _nextLoad, _nextGenerate;
    private long _ready = -1;
    private bool _generating, _publishing;
    private StepInFlight? _current;
    private double _lastStepEnd;

    /// <param name="host">Runs the trainer-side stages' work, and in sync mode the rollout workers' too.</param>
    /// <param name="rolloutPool">The cluster's rollout pool (<see cref="Cluster.ClusterRolloutPoolActor"/>); null = an in-process pool of
    /// <c>pipeline.rollout_workers</c> workers, made here.</param>
    public CoordinatorActor(PipelineParts parts, StepSchedule schedule, IComputeThread host, TaskCompletionSource<IReadOnlyList<StepMetrics>> completion,
        IProgress<StepMetrics>? progress, Action<int>? afterStep, IActorRef? rolloutPool)
    {
        (_parts, _schedule, _completion, _progress, _afterStep, _host) = (parts, schedule, completion, progress, afterStep, host);
        _data = Context.ActorOf(Stages.DataLoader(host, parts.Cursor), "data-loader");
        _weights = Context.ActorOf(Stages.WeightSync(host, parts.Publish), "weight-sync");
        // Async generation must run beside the trainer side, so its workers compute on their own threads.
        var rolloutCompute = parts.Config.Pipeline.Asynchronous ? InlineCompute.Instance : host;
        _pool = rolloutPool ?? Context.ActorOf(RolloutPoolActor.Props(parts.Config.Pipeline.RolloutWorkers, parts.NewReplica, rolloutCompute), "rollout-pool");
        _logProb = Context.ActorOf(Stages.LogProb(host, parts.LogProb), "logprob");
        _learner = Context.ActorOf(Stages.Learner(host, parts.Learner, parts.Config.Rollout.GroupSize, parts.Config.Trainer.ScaleRewardsByStd), "learner");
        _aligner = parts.Alignment is null ? null : Context.ActorOf(Stages.Aligner(host, parts.Alignment), "drafter-aligner");

        On<StartRun>(Start);
        On<PromptsLoaded>(p =>
        {
            _prompts[p.Step] = p;
            TryGenerate();
        });
        On<WeightsPublished>(Published);
        On<WeightsSynced>(s =>
        {
            _prepareSeconds[s.Version] += s.Seconds;
            _synced[s.Version] = s;
            Ready(s.Version);
        });
        On<StepRollouts>(r =>
        {
            (_rollouts[r.Step], _generating) = (r, false);
            _nextGenerate++;
            RequestPrompts();
            TryGenerate();
            TryTrain();
        });
        On<LogProbsRecomputed>(LogProbsDone);
        On<PolicyUpdated>(u =>
        {
            _current!.Update = u;
            if (_aligner is null)
            {
                Finish(double.NaN, 0);
            }
            else
            {
                _aligner.Tell(new AlignDrafter(u.Step, _schedule.TrainingVersion(u.Step)));
            }
        });
        On<DrafterAligned>(a => Finish(a.Kl, a.Seconds));
        On<StepRecorded>(Recorded);
        Receive<Status.Failure>(f => Fail(f.Cause));
    }

    public static Props Props(PipelineParts parts, StepSchedule schedule, IComputeThread host, TaskCompletionSource<IReadOnlyList<StepMetrics>> completion,
        IProgress<StepMetrics>? progress, Action<int>? afterStep, IActorRef? rolloutPool = null) =>
        Akka.Actor.Props.Create(() => new CoordinatorActor(parts, schedule, host, completion, progress, afterStep, rolloutPool));

    /// <summary>A stage that throws ends the run: the error reaches the caller and the stage is stopped, not retried
    /// (rollout workers have their own restart-and-redispatch supervision inside the pool).</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        _completion.TrySetException(e);
        return Directive.Stop;
    });

    private void On<T>(Action<T> handle) => Receive<T>(m =>
    {
        try
        {
            handle(m);
        }
        catch (Exception e)
        {
            Fail(e);
        }
    });

    private void Fail(Exception e)
    {
        _completion.TrySetException(e);
        Context.Stop(Self);
    }

    private void Start(StartRun start)
    {
        _state = start.State;
        (_nextLoad, _nextGenerate) = (_state.Step, _state.Step);
        if (_state.Step >= _schedule.TotalSteps)
        {
            _completion.TrySetResult(_rows);
            return;
        }

        RequestPrompts();
        Publish(_state.PolicyVersion);
    }

    private void RequestPrompts()
    {
        // One step of prompts ahead of generation, so loading never waits on the pool.
        for (; _nextLoad < _schedule.TotalSteps && _nextLoad <= _nextGenerate + 1; _nextLoad++)
        {
            _data.Tell(new LoadPrompts(_nextLoad, _parts.Config.Rollout.PromptsPerStep));
        }
    }

    private void Publish(long version)
    {
        _publishing = true;
        _weights.Tell(new PublishWeights(version));
    }

    private void Published(WeightsPublished published)
    {
        (_publishing, _prepareSeconds[published.Version]) = (false, published.Seconds);
        if (_parts.Config.Pipeline.Asynchronous)
        {
            Ready(published.Version);
        }
        else
        {
            // On-policy: every replica holds the new version before any of it generates.
            _pool.Tell(new SyncWeights(published.Version));
        }

        TryTrain();
    }

    private void Ready(long version)
    {
        _ready = version;
        TryGenerate();
    }

    private void TryGenerate()
    {
        var step = _nextGenerate;
        if (_generating || !_prompts.TryGetValue(step, out var prompts) || !_schedule.CanGenerate(step, _ready))
        {
            return;
        }

        _generating = true;
        _pool.Tell(new GenerateStep(step, _schedule.GenerationVersion(step), prompts.Prompts, _parts.StepSeed(step), _parts.Health?.Speculates(step) ?? true));
    }

    private void TryTrain()
    {
        var step = _state.Step;
        if (_current is not null || _publishing || !_rollouts.Remove(step, out var rollouts))
        {
            return;
        }

        _current = new StepInFlight(step, _prompts[step], rollouts);
        _prompts.Remove(step);
        _logProb.Tell(new RecomputeLogProbs(step, rollouts.Batch.Rollouts, _schedule.TrainingVersion(step)));
    }

    private void LogProbsDone(LogProbsRecomputed recomputed)
    {
        _current!.LogProbs = recomputed;
        var rollouts = _current.Rollouts.Batch.Rollouts;
        // Off-policy steps weigh by what actually sampled the tokens; on-policy the two agree (up to float error) and the
        // recomputed values keep the ratio exactly 1 at the first micro-step.
        IReadOnlyList<IReadOnlyList<float>> old = _parts.Config.Pipeline.Asynchronous
            ? rollouts.Select(r => r.BehaviourLogProbs).ToList()
            : recomputed.Result.LogProbs;
        _learner.Tell(new UpdatePolicy(recomputed.Step, rollouts, old));
    }

    private void Finish(double drafterKl, double alignSeconds)
    {
        var current = _current!;
        var trained = _schedule.TrainingVersion(current.Step);
        _state = _state with { Step = current.Step + 1, PolicyVersion = trained + 1, PromptsConsumed = _state.PromptsConsumed + current.Prompts.Prompts.Count };
        var now = _clock.Elapsed.TotalSeconds;
        var batch = current.Rollouts.Batch;
        var generatedBy = _schedule.GenerationVersion(current.Step);
        var seconds = new StageSeconds(current.Prompts.Seconds, _prepareSeconds.GetValueOrDefault(generatedBy), batch.Seconds,
            current.LogProbs!.Seconds, current.Update!.Seconds, alignSeconds, now - _lastStepEnd);
        var synced = _synced.GetValueOrDefault(generatedBy);
        var transport = new StepTransport(current.Rollouts.Nodes, synced?.Seconds ?? 0, synced?.Bytes ?? 0);
        _lastStepEnd = now;
        foreach (var old in _prepareSeconds.Keys.Where(v => v < generatedBy).ToList())
        {
            _prepareSeconds.Remove(old);
            _synced.Remove(old);
        }

        // Metrics, rollout log and checkpoint are file and tensor work: the host thread does them, and the coordinator
        // waits for the row (with _current still set, so no trainer-side stage starts meanwhile).
        var (recorder, state, pendingFrom) = (_parts.Recorder, _state, _schedule.GenerationVersion(current.Step + 1));
        var (logProbs, update) = (current.LogProbs.Result, current.Update.Metrics);
        _host.Run(() => recorder.Record(current.Step, trained, batch, logProbs, update, drafterKl, seconds, state, pendingFrom, transport))
            .PipeTo(Self, success: row => new StepRecorded(row));
    }

    private void Recorded(StepRecorded recorded)
    {
        var row = recorded.Row;
        _rows.Add(row);
        _current = null;
        _progress?.Report(row);
        _afterStep?.Invoke(row.Step);
        if (_state.Step >= _schedule.TotalSteps)
        {
            _completion.TrySetResult(_rows);
            return;
        }

        Publish(_state.PolicyVersion);
    }

    private sealed record StepRecorded(StepMetrics Row) : INoSerializationVerificationNeeded;
}
