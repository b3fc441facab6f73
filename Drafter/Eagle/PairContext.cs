using RlSpec.Policy.Model;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Eagle;

/// <summary>
/// What a head's drafting reads, per row: the head's KV cache of committed (features, next token) pairs, its output at
/// the newest pair (which guesses the token after the pending one), and whether the row has such a pair yet. Kept
/// current from the prefill and verify forwards' hidden states, so drafting needs no policy forward. Shared by the
/// sequential (<see cref="EagleDrafter"/>) and chunk (<see cref="Chunk.ChunkDrafter"/>) drafters.
/// </summary>
internal sealed class PairContext(PolicyModel policy, EagleHead head) : IDisposable
{
    /// <summary>Pooled positions per row (on average) before positions no row refers to are dropped.</summary>
    private const int CompactEvery = 64;

    /// <summary>Most positions per row one catch-up forward reads.</summary>
    private const int MaxCatchUpWindow = 64;

    private readonly List<Tensor> _pool = [];
    private bool[] _valid = [];

    /// <summary>Rows whose backlog <see cref="Trim"/> cut since their last <see cref="Flush"/>: reported as skipping then.</summary>
    private bool[] _trimmed = [];

    /// <summary>Per row, its committed positions the head has not read yet: (index into the pooled features, next token).</summary>
    private List<(long Index, long Next)>[] _backlog = [];
    private int _poolSize;
    private int _keptAtCompaction;

    public KvCache Cache { get; private set; } = null!;

    /// <summary>Head output at each row's newest committed pair [rows, hidden].</summary>
    public Tensor Last { get; private set; } = null!;

    public bool IsValid(int row) => _valid[row];

    public static PairContext Begin(PolicyModel policy, EagleHead head, int rows, int capacity) => new(policy, head)
    {
        _valid = new bool[rows],
        _trimmed = new bool[rows],
        _backlog = [.. Enumerable.Range(0, rows).Select(_ => new List<(long, long)>())],
        Cache = head.NewCache(rows, capacity, policy.Device),
        Last = zeros([rows, policy.Config.HiddenSize], policy.DType, policy.Device).DetachFromDisposeScope(),   // in the policy's dtype, like the states it holds
    };

    /// <summary>
    /// Takes the committed positions of rows firstRow.. (see <c>IHiddenStateDrafter.ObserveHidden</c>) into the backlog;
    /// the head reads them at the next <see cref="Flush"/>. Deferring is what lets the live-batch controller switch
    /// speculation off for free: while it is off, no head forward runs per step, and when it comes back one batched
    /// forward catches up only the rows still live (rows that finish meanwhile never cost the head anything).
    /// </summary>
    public void Observe(IReadOnlyDictionary<int, Tensor> hidden, int firstRow, IReadOnlyList<int> committed, IReadOnlyList<IReadOnlyList<int>> nextTokens)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var features = cat(head.Config.FeatureLayers.Select(l => hidden[l]).ToList(), -1);              // [m, T, F]
        var (rows, time) = ((int)features.shape[0], (int)features.shape[1]);
        var offset = _poolSize;
        _pool.Add(features.reshape(rows * time, features.shape[2]).DetachFromDisposeScope());
        _poolSize += rows * time;
        for (var b = 0; b < rows; b++)
        {
            for (var i = 0; i < committed[b]; i++)
            {
                _backlog[firstRow + b].Add((offset + (b * time) + i, nextTokens[b][i]));
            }
        }

        // The pool also holds positions no row refers to any more (rows released or reset): drop them now and then.
        if (_poolSize > Math.Max(_backlog.Length * CompactEvery, 2 * _keptAtCompaction))
        {
            Compact();
        }
    }

    /// <summary>
    /// Runs the head over the backlog of rows firstRow..firstRow+count−1 (default: every row with one), appending the
    /// pairs to its cache and updating Last. One forward per window of at most <see cref="MaxCatchUpWindow"/> positions
    /// per row, so catching up after a long plain stretch never needs a forward larger than that. With
    /// <paramref name="newest"/>, a row reads only its newest that many positions and skips the older ones: its head
    /// context then has a gap (drafts may be accepted less often, never sampled differently), and resuming speculation
    /// costs a bounded head forward instead of one as long as the plain stretch. Returns the rows that skipped positions.
    /// </summary>
    public IReadOnlyList<int> Flush(int firstRow = 0, int count = int.MaxValue, int newest = int.MaxValue)
    {
        count = Math.Min(count, Array.FindLastIndex(_backlog, l => l.Count > 0) + 1 - firstRow);
        var skipped = new List<int>();
        for (var row = firstRow; row < firstRow + count; row++)
        {
            var cut = Cut(row, newest);
            if (cut || _trimmed[row])
            {
                skipped.Add(row);
            }

            _trimmed[row] = false;
        }

        using var noGrad = no_grad();
        while (count > 0 && _backlog.Skip(firstRow).Take(count).Any(l => l.Count > 0))
        {
            using var scope = NewDisposeScope();
            var committed = _backlog.Skip(firstRow).Take(count).Select(l => Math.Min(l.Count, MaxCatchUpWindow)).ToArray();
            var time = committed.Max();
            var (index, next) = (new long[count * time], new long[count * time]);
            for (var b = 0; b < count; b++)
            {
                for (var i = 0; i < committed[b]; i++)
                {
                    (index[(b * time) + i], next[(b * time) + i]) = _backlog[firstRow + b][i];
                }

                _backlog[firstRow + b].RemoveRange(0, committed[b]);
            }

            var pool = _pool.Count == 1 ? _pool[0] : cat(_pool, 0);
            var features = pool.index_select(0, tensor(index, device: policy.Device)).view(count, time, -1);
            var outputs = head.Extend(head.ContextInputs(policy, features, tensor(next, [count, time], device: policy.Device)), Cache.Slice(firstRow, count), committed);
            var last = outputs[TensorArithmetic.Arange(count, policy.Device), tensor(committed.Select(c => (long)Math.Max(c - 1, 0)).ToArray(), device: policy.Device)];
            var fresh = tensor(committed.Select(c => c > 0).ToArray(), device: policy.Device).unsqueeze(1);
            var view = Last.narrow(0, firstRow, count);
            view.copy_(where(fresh, last, view));
            for (var b = 0; b < count; b++)
            {
                _valid[firstRow + b] |= committed[b] > 0;
            }
        }

        if (_backlog.All(l => l.Count == 0))
        {
            ClearPool();
        }

        return skipped;
    }

    /// <summary>
    /// Drops every row's backlog but its newest <paramref name="newest"/> positions, which is all a resume would read
    /// (<see cref="Flush"/> with that window), so the pooled states those positions held can be compacted away. Without
    /// it a long plain stretch kept every position of every live row pooled (bounded only by the rows' lengths) though no
    /// resume reads them; the probes that used to empty the backlogs now and then are rarer (see LiveBatchController's
    /// LosingProbeGap). The rows cut report the gap at their next flush, as if it had skipped them.
    /// </summary>
    public void Trim(int newest)
    {
        for (var row = 0; row < _backlog.Length; row++)
        {
            _trimmed[row] |= Cut(row, newest);
        }
    }

    public void CopyRows(IReadOnlyList<int> from, IReadOnlyList<int> to)
    {
        Cache.CopyRows(from, to);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (source, target) = (tensor(from.Select(r => (long)r).ToArray(), device: Last.device), tensor(to.Select(r => (long)r).ToArray(), device: Last.device));
        Last.index_copy_(0, target, Last.index_select(0, source));
        var valid = from.Select(r => _valid[r]).ToArray();
        var trimmed = from.Select(r => _trimmed[r]).ToArray();
        var backlog = from.Select(r => _backlog[r].ToList()).ToArray();
        for (var i = 0; i < to.Count; i++)
        {
            _valid[to[i]] = valid[i];
            _trimmed[to[i]] = trimmed[i];
            _backlog[to[i]] = backlog[i];
        }
    }

    public void ResetRow(int row)
    {
        Cache.Rollback(row, 0);
        _valid[row] = false;
        _trimmed[row] = false;
        _backlog[row].Clear();
    }

    public void Dispose()
    {
        ClearPool();
        Cache.Dispose();
        Last.Dispose();
    }

    /// <summary>Drops all but the newest <paramref name="newest"/> positions of a row's backlog; true if any were dropped.</summary>
    private bool Cut(int row, int newest)
    {
        var extra = _backlog[row].Count - newest;
        if (extra > 0)
        {
            _backlog[row].RemoveRange(0, extra);
        }

        return extra > 0;
    }

    /// <summary>Keeps only the pooled positions some row's backlog refers to (a copy, no head forward).</summary>
    private void Compact()
    {
        using var noGrad = no_grad();
        var kept = _backlog.SelectMany(l => l.Select(e => e.Index)).Distinct().Order().ToArray();
        var remap = kept.Select((index, i) => (index, i)).ToDictionary(e => e.index, e => (long)e.i);
        var pool = _pool.Count == 1 ? _pool[0] : cat(_pool, 0);
        var compacted = pool.index_select(0, tensor(kept, device: policy.Device)).DetachFromDisposeScope();   // the rest goes with Observe's scope
        ClearPool();
        _pool.Add(compacted);
        _poolSize = _keptAtCompaction = kept.Length;
        foreach (var list in _backlog)
        {
            for (var i = 0; i < list.Count; i++)
            {
                list[i] = (remap[list[i].Index], list[i].Next);
            }
        }
    }

    private void ClearPool()
    {
        _pool.ForEach(t => t.Dispose());
        _pool.Clear();
        _poolSize = _keptAtCompaction = 0;
    }
}
