using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Cluster;

/// <summary>
/// The trainer's rollout pool when rollouts run on other machines. It speaks the in-process pool's protocol to the
/// coordinator (<see cref="GenerateStep"/> → <see cref="StepRollouts"/>, <see cref="SyncWeights"/> →
/// <see cref="WeightsSynced"/>) and, towards the cluster, takes rollout nodes on (<see cref="NodeAdmission"/>), serves
/// them the setup and weights blobs, and deals each step's chunks to their workers (<see cref="ChunkDealer"/>). A node
/// that becomes unreachable is downed at once; a node that leaves, is removed or whose actor dies (DeathWatch) has its
/// unfinished chunks dealt again with their own seeds. Requests wait until <c>cluster.min_rollout_nodes</c> nodes are
/// ready; the run fails after <c>cluster.join_timeout_s</c> without them (or without any node while work waits).
/// Holds no tensors: blob chunks are slices of arrays the publish stage made.
/// </summary>
public sealed class ClusterRolloutPoolActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    private readonly ClusterPoolSettings _settings;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly Dictionary<string, RolloutNode> _nodes = [];
    private readonly ChunkDealer _dealer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private IActorRef? _client;
    private string? _pendingFailure;
    private (int Step, Stopwatch Clock)? _step;
    private (long Version, HashSet<string> Pending, Stopwatch Clock, long Bytes)? _sync;
    private (IActorRef Requester, HashSet<string> Pending)? _finishing;
    private bool _open;

    private sealed record RolloutNode(IActorRef Ref, int Workers, string Name)
    {
        public bool Ready { get; set; }
        public double LastHeard { get; set; }
    }

    private sealed record JoinDeadline : INoSerializationVerificationNeeded;

    private sealed record WaitingNotice : INoSerializationVerificationNeeded;

    private sealed record NoNodeDeadline : INoSerializationVerificationNeeded;

    private sealed record FinishDeadline : INoSerializationVerificationNeeded;

    public ClusterRolloutPoolActor(ClusterPoolSettings settings)
    {
        _settings = settings;
        _dealer = new ChunkDealer(settings.MaxAttempts);
        Receive<RegisterRolloutNode>(Register);
        Receive<RolloutNodeReady>(NodeReady);
        Receive<FetchBlob>(f => Sender.Tell(settings.Blobs.Manifest(f.Key) ?? (object)new BlobUnavailable(f.Key)));
        Receive<FetchBlobChunk>(f =>
        {
            Heard();
            Sender.Tell(settings.Blobs.Chunk(f.Key, f.Index) ?? (object)new BlobUnavailable(f.Key));
        });
        Receive<GenerateStep>(step => WhenOpen(() => Generate(step)));
        Receive<SyncWeights>(sync => WhenOpen(() => StartSync(sync)));
        Receive<RolloutChunkDone>(ChunkDone);
        Receive<RedispatchWork>(ChunkFailed);
        Receive<NodeWeightsLoaded>(WeightsLoaded);
        Receive<RolloutNodeFailed>(f => Fail($"rollout node {Name(Sender)} failed: {f.Error}"));
        Receive<ClusterEvent.UnreachableMember>(m =>
        {
            if (m.Member.HasRole(ClusterProtocol.RolloutRole))
            {
                _cluster.Down(m.Member.Address);
                Lost(m.Member.Address, "unreachable");
            }
        });
        Receive<ClusterEvent.MemberRemoved>(m => Lost(m.Member.Address, "removed from the cluster"));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<Terminated>(t => Lost(t.ActorRef.Path.Address, "its actor stopped"));
        Receive<FinishRun>(Finish);
        Receive<RunFinishedAck>(a => Acknowledged(a.Node));
        Receive<FinishDeadline>(_ => FinishReply());
        Receive<JoinDeadline>(_ =>
        {
            if (!_open)
            {
                Fail($"cluster: {ReadyCount} of {settings.Cluster.MinRolloutNodes} rollout node(s) joined within {settings.Cluster.JoinTimeoutS} s "
                    + $"(cluster.join_timeout_s); start them with `rlspec worker --join {settings.Cluster.Hostname}:{settings.Cluster.Port}`.");
            }
        });
        Receive<WaitingNotice>(_ => Log($"waiting for rollout nodes: {ReadyCount} of {settings.Cluster.MinRolloutNodes} ready "
            + $"({_clock.Elapsed.TotalSeconds:F0} of {settings.Cluster.JoinTimeoutS} s); join with `rlspec worker --join {settings.Cluster.Hostname}:{settings.Cluster.Port}`"));
        Receive<NoNodeDeadline>(_ =>
        {
            if (ReadyCount == 0 && (_dealer.Waiting || _sync is not null))
            {
                Fail($"cluster: no rollout node left for {settings.Cluster.JoinTimeoutS} s (cluster.join_timeout_s) while step work waits.");
            }
        });
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ClusterPoolSettings settings) => Akka.Actor.Props.Create<ClusterRolloutPoolActor>(settings);

    private int ReadyCount => _nodes.Values.Count(n => n.Ready);

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.UnreachableMember));
        Timers.StartSingleTimer("join", new JoinDeadline(), TimeSpan.FromSeconds(_settings.Cluster.JoinTimeoutS));
        Timers.StartPeriodicTimer("waiting", new WaitingNotice(), TimeSpan.FromSeconds(10));
        Log($"trainer node up at {ClusterHocon.Address(new(_settings.Cluster.Hostname, _settings.Cluster.Port))}; "
            + $"waiting for {_settings.Cluster.MinRolloutNodes} rollout node(s) (`rlspec worker --join {_settings.Cluster.Hostname}:{_settings.Cluster.Port}`)");
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Log(string line) => _settings.Log?.Report(line);

    private static string Id(Address address) => address.ToString();

    private string Name(IActorRef node) => _nodes.TryGetValue(Id(node.Path.Address), out var n) ? n.Name : node.Path.Address.ToString();

    private void Heard()
    {
        if (_nodes.TryGetValue(Id(Sender.Path.Address), out var node))
        {
            node.LastHeard = _clock.Elapsed.TotalSeconds;
        }
    }

    private void WhenOpen(Action handle)
    {
        _client = Sender;
        if (_pendingFailure is not null)
        {
            Fail(_pendingFailure);
        }
        else if (_open)
        {
            handle();
        }
        else
        {
            Stash.Stash();
        }
    }

    private void Fail(string message)
    {
        if (_client is null)
        {
            _pendingFailure = message;
            return;
        }

        _client.Tell(new Status.Failure(new ClusterException(message)));
        (_step, _sync) = (null, null);
    }

    private void Register(RegisterRolloutNode request)
    {
        var id = Id(Sender.Path.Address);
        if (_nodes.TryGetValue(id, out var known) && known.Ref.Equals(Sender))
        {
            Sender.Tell(new RolloutNodeAccepted(BlobStore.SetupKey, _settings.Blobs.LatestWeights)); // a repeated registration
            return;
        }

        if (NodeAdmission.Refusal(request, _settings.Model, _settings.Config) is { } reason)
        {
            Log($"refused rollout node {request.Node}: {reason}");
            Sender.Tell(new RolloutNodeRefused(reason));
            return;
        }

        _nodes[id] = new RolloutNode(Sender, request.Workers, request.Node) { LastHeard = _clock.Elapsed.TotalSeconds };
        Context.Watch(Sender);
        var version = _settings.Blobs.LatestWeights;
        Log($"rollout node {request.Node} joined with {request.Workers} worker(s); it fetches the setup{(version >= 0 ? $" and weights v{version}" : "")}");
        Sender.Tell(new RolloutNodeAccepted(BlobStore.SetupKey, version));
    }

    private void NodeReady(RolloutNodeReady ready)
    {
        if (!_nodes.TryGetValue(Id(Sender.Path.Address), out var node) || node.Ready)
        {
            return;
        }

        node.Ready = true;
        Heard();
        _dealer.AddNode(Id(Sender.Path.Address), node.Workers);
        Log($"rollout node {node.Name} ready with weights v{ready.Version}: {ReadyCount} node(s) ready");
        if (!_open && ReadyCount >= _settings.Cluster.MinRolloutNodes)
        {
            _open = true;
            Timers.Cancel("join");
            Timers.Cancel("waiting");
            Log($"{ReadyCount} rollout node(s) ready after {_clock.Elapsed.TotalSeconds:F1} s: starting");
            Stash.UnstashAll();
        }

        Deal();
    }

    private void Generate(GenerateStep step)
    {
        _step = (step.Step, Stopwatch.StartNew());
        _dealer.Begin(RolloutPoolActor.Chunks(step, _settings.Chunks));
        Deal();
        WatchForNoNodes();
    }

    private void Deal()
    {
        foreach (var (node, work) in _dealer.Deal())
        {
            var target = _nodes[node];
            if (work.Attempt > 1)
            {
                Log($"chunk {work.Chunk} of step {work.Step + 1} dealt again (attempt {work.Attempt}) to {target.Name} "
                    + $"at {_clock.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s");
            }

            target.Ref.Tell(work);
        }
    }

    private void ChunkDone(RolloutChunkDone done)
    {
        Heard();
        if (_step is not { } step || !_dealer.Complete(Id(Sender.Path.Address), done.Step, done.Chunk, done.Batch))
        {
            return;
        }

        if (_dealer.Done)
        {
            _client?.Tell(new StepRollouts(done.Step, RolloutBatch.Concat(_dealer.Results, step.Clock.Elapsed.TotalSeconds), _dealer.Redispatched, _dealer.NodesUsed));
            _step = null;
            return;
        }

        Deal();
    }

    private void ChunkFailed(RedispatchWork failed)
    {
        Heard();
        if (_dealer.Failed(Id(Sender.Path.Address), failed.Work, failed.Error.ToString()) is { } failure)
        {
            Fail(failure);
            return;
        }

        Log($"chunk {failed.Work.Chunk} of step {failed.Work.Step + 1} failed on {Name(Sender)} ({failed.Error}); dealing it again");
        Deal();
    }

    private void StartSync(SyncWeights sync)
    {
        var ready = _nodes.Where(n => n.Value.Ready).ToList();
        _sync = (sync.Version, ready.Select(n => n.Key).ToHashSet(), Stopwatch.StartNew(), 0);
        ready.ForEach(n => n.Value.Ref.Tell(new LoadWeights(sync.Version)));
        CompleteSyncIfDone();
        WatchForNoNodes();
    }

    private void WeightsLoaded(NodeWeightsLoaded loaded)
    {
        Heard();
        if (_sync is { } sync && sync.Version == loaded.Version && sync.Pending.Remove(Id(Sender.Path.Address)))
        {
            _sync = sync with { Bytes = sync.Bytes + loaded.Bytes };
            CompleteSyncIfDone();
        }
    }

    private void CompleteSyncIfDone()
    {
        if (_sync is { Pending.Count: 0 } sync)
        {
            _client?.Tell(new WeightsSynced(sync.Version, sync.Clock.Elapsed.TotalSeconds, sync.Bytes));
            _sync = null;
        }
    }

    private void Lost(Address address, string why)
    {
        var id = Id(address);
        if (!_nodes.Remove(id, out var node))
        {
            return;
        }

        Context.Unwatch(node.Ref);
        var (lost, failure) = _dealer.RemoveNode(id);
        if (_finishing is not null)
        {
            Acknowledged(node.Name); // nodes leave once the run is over
            return;
        }

        var silent = _clock.Elapsed.TotalSeconds - node.LastHeard;
        Log($"rollout node {node.Name} lost ({why}; last heard from {silent:F1} s ago): "
            + (lost.Count == 0 ? "it had no chunk in flight" : $"chunk(s) {string.Join(", ", lost.Select(w => w.Chunk))} of step {lost[0].Step + 1} go to the other nodes")
            + $"; {ReadyCount} node(s) left");
        if (_sync is { } sync && sync.Pending.Remove(id))
        {
            CompleteSyncIfDone();
        }

        if (failure is not null)
        {
            Fail(failure);
            return;
        }

        Deal();
        WatchForNoNodes();
    }

    private void WatchForNoNodes()
    {
        if (ReadyCount == 0 && (_dealer.Waiting || _sync is not null))
        {
            Log($"no rollout node is ready: waiting up to {_settings.Cluster.JoinTimeoutS} s for one to join");
            Timers.StartSingleTimer("no-node", new NoNodeDeadline(), TimeSpan.FromSeconds(_settings.Cluster.JoinTimeoutS));
        }
    }

    private void Finish(FinishRun finish)
    {
        _finishing = (Sender, _nodes.Values.Select(n => n.Name).ToHashSet());
        foreach (var node in _nodes.Values)
        {
            node.Ref.Tell(new RunFinished(finish.Completed, finish.Message));
        }

        Timers.StartSingleTimer("finish", new FinishDeadline(), TimeSpan.FromSeconds(5));
        if (_finishing.Value.Pending.Count == 0)
        {
            FinishReply();
        }
    }

    private void Acknowledged(string node)
    {
        if (_finishing is { } finishing && finishing.Pending.Remove(node) && finishing.Pending.Count == 0)
        {
            FinishReply();
        }
    }

    private void FinishReply()
    {
        _finishing?.Requester.Tell(new RunFinishedAck("trainer"));
        _finishing = null;
    }
}
