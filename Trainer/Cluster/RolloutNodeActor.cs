using Akka.Actor;
using Akka.Cluster;
using RlSpec.Trainer.Actors;

namespace RlSpec.Trainer.Cluster;

/// <summary>
/// A rollout node's one contact with the trainer. Once the cluster is up it registers with the trainer's pool (again
/// every 2 s until answered), fetches the setup blob, has its replicas built (<see cref="RolloutNodeParts"/>, on the
/// node's compute thread), fetches the weights version that is newest by then, and only then says it is ready. Work and weight loads
/// are handed to its workers (<see cref="RolloutWorkerActor"/>s, each generating on a thread of its own) only once the
/// version they name is in the node's cache, fetched in checksummed chunks if need be, so a replica never generates with
/// any other version. It ends the session (<see cref="NodeOutcome"/>) when the run finishes, when the trainer refuses
/// it, or when the trainer is gone.
/// </summary>
public sealed class RolloutNodeActor : ReceiveActor, IWithTimers
{
    private readonly RolloutNodeSettings _settings;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly Dictionary<string, BlobDownload?> _downloads = [];
    private readonly Dictionary<long, List<Action>> _waiting = [];
    private readonly Dictionary<long, long> _fetchedBytes = [];
    private readonly Dictionary<long, int> _loading = [];
    private readonly List<IActorRef> _workers = [];
    private Address? _trainer;
    private IActorRef? _pool;
    private long _startVersion = -1;
    private bool _awaitingReady;
    private RolloutNodeParts? _parts;
    private int _next;

    private sealed record Register : INoSerializationVerificationNeeded;

    private sealed record BlobArrived(string Key, byte[] Bytes) : INoSerializationVerificationNeeded;

    private sealed record SetupBuilt(RolloutNodeParts Parts) : INoSerializationVerificationNeeded;

    private sealed record NodeBroken(Exception Error) : INoSerializationVerificationNeeded;

    public RolloutNodeActor(RolloutNodeSettings settings)
    {
        _settings = settings;
        Receive<ClusterEvent.MemberUp>(up =>
        {
            if (up.Member.HasRole(ClusterProtocol.TrainerRole) && _trainer is null)
            {
                _trainer = up.Member.Address;
                Log($"joined the cluster of the trainer at {_trainer}; registering");
                Self.Tell(new Register());
                Timers.StartPeriodicTimer("register", new Register(), TimeSpan.FromSeconds(2));
            }
        });
        Receive<ClusterEvent.UnreachableMember>(m => TrainerGone(m.Member, "is unreachable"));
        Receive<ClusterEvent.MemberRemoved>(m => TrainerGone(m.Member, "left the cluster"));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<Register>(_ => Context.ActorSelection(_trainer + ClusterProtocol.PoolPath)
            .Tell(new RegisterRolloutNode(ClusterProtocol.Version, Name, settings.Workers, settings.ExpectedModel, settings.ExpectedConfig)));
        Receive<RolloutNodeRefused>(refused =>
        {
            Timers.Cancel("register");
            settings.Outcome.TrySetResult(new NodeOutcome(NodeOutcome.Kind.Refused, $"the trainer at {_trainer} refused this node: {refused.Reason}"));
        });
        Receive<RolloutNodeAccepted>(Accepted);
        Receive<BlobManifest>(Manifest);
        Receive<BlobChunk>(Chunk);
        Receive<BlobUnavailable>(Unavailable);
        Receive<BlobArrived>(Arrived);
        Receive<SetupBuilt>(Built);
        Receive<NodeBroken>(b => Broken(b.Error));
        Receive<RolloutWork>(work =>
        {
            Log($"step {work.Step + 1} chunk {work.Chunk}: {work.Prompts.Count} prompt(s) with weights v{work.PolicyVersion}"
                + (work.Attempt > 1 ? $" (attempt {work.Attempt})" : ""));
            WithWeights(work.PolicyVersion, () => NextWorker().Tell(work));
        });
        Receive<LoadWeights>(load => WithWeights(load.Version, () =>
        {
            _loading[load.Version] = _workers.Count;
            _workers.ForEach(w => w.Tell(load));
        }));
        Receive<WeightsLoaded>(loaded =>
        {
            if (_loading.TryGetValue(loaded.Version, out var left) && (_loading[loaded.Version] = left - 1) == 0)
            {
                _loading.Remove(loaded.Version);
                _pool!.Tell(new NodeWeightsLoaded(loaded.Version, _fetchedBytes.GetValueOrDefault(loaded.Version)));
            }
        });
        Receive<RolloutChunkDone>(done => _pool!.Tell(done));
        Receive<RedispatchWork>(failed => _pool!.Tell(failed));
        Receive<Status.Failure>(f => Broken(f.Cause));
        Receive<RunFinished>(finished =>
        {
            Sender.Tell(new RunFinishedAck(Name));
            Log(finished.Completed ? "the run finished" : $"the run ended with an error: {finished.Message}");
            settings.Outcome.TrySetResult(new NodeOutcome(finished.Completed ? NodeOutcome.Kind.Finished : NodeOutcome.Kind.Lost, finished.Message));
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RolloutNodeSettings settings) => Akka.Actor.Props.Create<RolloutNodeActor>(settings);

    private string Name => _cluster.SelfAddress.ToString();

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.UnreachableMember));

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        _parts?.Dispose();
    }

    private void Log(string line) => _settings.Log?.Report(line);

    private void TrainerGone(Member member, string what)
    {
        if (member.Address.Equals(_trainer))
        {
            _settings.Outcome.TrySetResult(new NodeOutcome(NodeOutcome.Kind.Lost, $"the trainer at {_trainer} {what}"));
        }
    }

    private void Broken(Exception error)
    {
        Log($"error: {error.Message}");
        _pool?.Tell(new RolloutNodeFailed(RemoteFailure.Of(error)));
        _settings.Outcome.TrySetResult(new NodeOutcome(NodeOutcome.Kind.Failed, error.Message));
    }

    private void Accepted(RolloutNodeAccepted accepted)
    {
        Timers.Cancel("register");
        if (_pool is not null)
        {
            return; // an answer to a repeated registration
        }

        (_pool, _startVersion) = (Sender, accepted.Version);
        Log("taken on by the trainer; fetching the run's setup");
        Fetch(accepted.SetupKey);
    }

    private void Fetch(string key)
    {
        if (_downloads.TryAdd(key, null))
        {
            _pool!.Tell(new FetchBlob(key));
        }
    }

    private void Manifest(BlobManifest manifest)
    {
        if (!_downloads.ContainsKey(manifest.Key))
        {
            _downloads.Remove(BlobStore.LatestWeightsKey); // the newest version turned out to be this one
        }

        var download = new BlobDownload(manifest);
        _downloads[manifest.Key] = download;
        download.NextRequests().ToList().ForEach(i => _pool!.Tell(new FetchBlobChunk(manifest.Key, i)));
    }

    private void Chunk(BlobChunk chunk)
    {
        if (!_downloads.TryGetValue(chunk.Key, out var download) || download is null)
        {
            return;
        }

        download.Accept(chunk);
        download.NextRequests().ToList().ForEach(i => _pool!.Tell(new FetchBlobChunk(chunk.Key, i)));
        if (download.Complete)
        {
            // Checksumming a large version is real work: not on the actor's dispatcher.
            _settings.Compute.Run(download.Verified).PipeTo(Self, success: bytes => new BlobArrived(chunk.Key, bytes), failure: e => new NodeBroken(e));
        }
    }

    private void Arrived(BlobArrived blob)
    {
        _downloads.Remove(blob.Key);
        if (blob.Key == BlobStore.SetupKey)
        {
            var device = _settings.Device;
            _settings.Compute.Run(() => RolloutNodeParts.Build(blob.Bytes, device)).PipeTo(Self, success: p => new SetupBuilt(p), failure: e => new NodeBroken(e));
            return;
        }

        var version = BlobStore.WeightsVersion(blob.Key);
        _parts!.Weights.Add(version, blob.Bytes);
        _fetchedBytes[version] = blob.Bytes.LongLength;
        if (_waiting.Remove(version, out var waiting))
        {
            waiting.ForEach(then => then());
        }

        if (_awaitingReady)
        {
            _awaitingReady = false;
            _pool!.Tell(new RolloutNodeReady(version));
        }
    }

    private void Unavailable(BlobUnavailable gone)
    {
        _downloads.Remove(gone.Key);
        if (_awaitingReady && _waiting.Count == 0)
        {
            // The version that was newest when this node asked has been replaced meanwhile: take the newest again.
            Fetch(BlobStore.LatestWeightsKey);
            return;
        }

        Broken(new InvalidOperationException($"the trainer no longer holds '{gone.Key}'."));
    }

    private void Built(SetupBuilt built)
    {
        _parts = built.Parts;
        var parts = built.Parts;
        for (var i = 0; i < _settings.Workers; i++)
        {
            // Each worker builds its replica and generates on its own pinned thread (see ClusterHocon's deployment).
            _workers.Add(Context.ActorOf(RolloutWorkerActor.Props(parts.NewReplica, InlineCompute.Instance), $"worker-{i}"));
        }

        Log($"setup built: {_settings.Workers} worker(s), {parts.Config.Rollout.GroupSize} samples per prompt");
        if (_startVersion < 0)
        {
            _pool!.Tell(new RolloutNodeReady(-1));
            return;
        }

        // The version current at registration may be gone after a long setup: fetch whichever is newest now.
        _awaitingReady = true;
        Fetch(BlobStore.LatestWeightsKey);
    }

    /// <summary>Runs <paramref name="then"/> once weights <paramref name="version"/> are in the node's cache (fetching them first).</summary>
    private void WithWeights(long version, Action then)
    {
        if (_parts is null)
        {
            Broken(new InvalidOperationException($"work for weights v{version} arrived before the node's setup was built."));
            return;
        }

        if (_parts.Weights.Has(version))
        {
            then();
            return;
        }

        if (!_waiting.TryGetValue(version, out var waiting))
        {
            _waiting[version] = waiting = [];
            Fetch(BlobStore.WeightsKey(version));
        }

        waiting.Add(then);
    }

    private IActorRef NextWorker() => _workers[_next++ % _workers.Count];
}
