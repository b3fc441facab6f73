using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Cluster;

/// <summary>
/// Who generates which chunk of the step in flight, across rollout nodes that come and go. Chunks are fixed before
/// any is dealt (whole groups, each with its own seed: <see cref="RolloutPoolActor.Chunks"/>), so a chunk dealt again
/// after its node was lost samples exactly what it would have; results are keyed by (step, chunk), so a late or repeated
/// answer is ignored and every prompt is counted once. A node takes at most as many chunks as it has workers; pending
/// chunks go out lowest index first to the node with the fewest in flight (nodes in join order on ties).
/// </summary>
public sealed class ChunkDealer(int maxAttempts)
{
    private readonly List<Node> _nodes = [];
    private RolloutWork[] _chunks = [];
    private RolloutBatch?[] _results = [];
    private readonly SortedSet<int> _pending = [];
    private readonly HashSet<string> _used = [];

    private sealed record Node(string Id, int Capacity, HashSet<int> InFlight);

    public int? Step { get; private set; }

    /// <summary>Chunks dealt more than once this step (after a node was lost or a worker failed).</summary>
    public int Redispatched { get; private set; }

    /// <summary>Distinct nodes that generated a chunk of this step.</summary>
    public int NodesUsed => _used.Count;

    public int Nodes => _nodes.Count;

    public bool Done => Step is not null && _results.All(r => r is not null);

    public IReadOnlyList<RolloutBatch> Results => Done ? _results.Select(r => r!).ToList() : throw new InvalidOperationException("the step's chunks are not all done.");

    public bool HasNode(string id) => _nodes.Any(n => n.Id == id);

    public void AddNode(string id, int capacity)
    {
        if (!HasNode(id))
        {
            _nodes.Add(new Node(id, Math.Max(1, capacity), []));
        }
    }

    /// <summary>Removes a node; its unfinished chunks go back to the pending set, one attempt spent each (a chunk that
    /// brings down every node it lands on must not take the whole cluster). Returns them, and the step's failure when
    /// one of them is past the attempt limit.</summary>
    public (IReadOnlyList<RolloutWork> Lost, string? Failure) RemoveNode(string id)
    {
        var node = _nodes.Find(n => n.Id == id);
        if (node is null)
        {
            return ([], null);
        }

        _nodes.Remove(node);
        var lost = node.InFlight.Where(c => _results[c] is null).Order().Select(c => _chunks[c]).ToList();
        var failure = lost.Where(w => !Requeue(w.Chunk)).Select(w => $"rollout chunk {w.Chunk} of step {w.Step + 1} was lost with its node {w.Attempt} times").FirstOrDefault();
        return (lost, failure);
    }

    public void Begin(IReadOnlyList<RolloutWork> chunks)
    {
        (_chunks, _results, Step, Redispatched) = ([.. chunks], new RolloutBatch?[chunks.Count], chunks.Count == 0 ? null : chunks[0].Step, 0);
        _pending.Clear();
        _used.Clear();
        _nodes.ForEach(n => n.InFlight.Clear());
        _pending.UnionWith(Enumerable.Range(0, chunks.Count));
    }

    /// <summary>Assigns pending chunks to nodes with free workers.</summary>
    public IReadOnlyList<(string Node, RolloutWork Work)> Deal()
    {
        var dealt = new List<(string, RolloutWork)>();
        while (_pending.Count > 0)
        {
            var node = _nodes.Where(n => n.InFlight.Count < n.Capacity).OrderBy(n => n.InFlight.Count).FirstOrDefault();
            if (node is null)
            {
                break;
            }

            var chunk = _pending.Min;
            _pending.Remove(chunk);
            node.InFlight.Add(chunk);
            dealt.Add((node.Id, _chunks[chunk]));
        }

        return dealt;
    }

    /// <summary>Stores a chunk's rollouts; false for a stale, repeated or unknown answer (ignored).</summary>
    public bool Complete(string node, int step, int chunk, RolloutBatch batch)
    {
        if (step != Step || chunk < 0 || chunk >= _results.Length || _results[chunk] is not null)
        {
            return false;
        }

        _results[chunk] = batch;
        _pending.Remove(chunk);
        _nodes.ForEach(n => n.InFlight.Remove(chunk));
        _used.Add(node);
        return true;
    }

    /// <summary>A worker failed on a chunk: it goes back to pending with one more attempt, or, past the limit, the step
    /// fails with the returned message.</summary>
    public string? Failed(string node, RolloutWork work, string error)
    {
        if (work.Step != Step || _results[work.Chunk] is not null)
        {
            return null;
        }

        _nodes.Find(n => n.Id == node)?.InFlight.Remove(work.Chunk);
        return Requeue(work.Chunk) ? null
            : $"rollout chunk {work.Chunk} of step {work.Step + 1} failed {_chunks[work.Chunk].Attempt - 1} times; last error: {error}";
    }

    /// <summary>Whether some chunk of the step still has no node.</summary>
    public bool Waiting => _pending.Count > 0;

    public IReadOnlyList<int> InFlight(string node) => _nodes.Find(n => n.Id == node)?.InFlight.Order().ToList() ?? [];

    private bool Requeue(int chunk)
    {
        var next = _chunks[chunk] with { Attempt = _chunks[chunk].Attempt + 1 };
        _chunks[chunk] = next;
        Redispatched++;
        if (next.Attempt > maxAttempts)
        {
            return false;
        }

        _pending.Add(chunk);
        return true;
    }
}
