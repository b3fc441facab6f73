using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>
/// Preallocated key/value cache, one [rows, kv_heads, capacity + 1, head_dim] buffer pair per layer (the extra slot
/// takes the writes of padding positions).
/// Slot j of row b holds position j: sequences are never left-padded, so ragged sequences simply have different
/// <see cref="Lengths"/>. Rolling back is moving a length down; slots past a length are masked out by the attention
/// and overwritten by the next write. A continuous-batching engine keeps its live rows first and runs the forward on
/// a <see cref="Slice"/> of them (a view: no copy); <see cref="CopyRows"/> moves sequences between rows.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;   // per layer [rows, KV, capacity, D], shared by every slice
    private readonly Tensor[] _values; // per layer [rows, KV, capacity, D]
    private readonly int[] _lengths;   // per row of the whole cache, shared by every slice
    private readonly int _start;       // first row of this view
    private readonly bool _owner;

    public KvCache(PolicyConfig config, int batchSize, int capacity, Device device, ScalarType dtype = ScalarType.Float32)
        : this(AllocateLayers(config, batchSize, capacity, device, dtype), AllocateLayers(config, batchSize, capacity, device, dtype), new int[batchSize], 0, batchSize, capacity, owner: true)
    {
    }

    private KvCache(Tensor[] keys, Tensor[] values, int[] lengths, int start, int count, int capacity, bool owner)
    {
        (_keys, _values, _lengths, _start, BatchSize, Capacity, _owner) = (keys, values, lengths, start, count, capacity, owner);
    }

    /// <summary>Rows this cache (or view) covers.</summary>
    public int BatchSize { get; }

    public int Capacity { get; }

    /// <summary>Number of valid positions per row of this view.</summary>
    public IReadOnlyList<int> Lengths => new ArraySegment<int>(_lengths, _start, BatchSize);

    public int MaxLength => BatchSize == 0 ? 0 : Lengths.Max();

    /// <summary>
    /// Rows <paramref name="start"/> .. start+count−1 as a cache of their own: same storage and lengths, so whatever a
    /// forward writes through the view is in this cache. Views own nothing; disposing one frees nothing.
    /// </summary>
    public KvCache Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"rows {start}..{start + count - 1} are outside this cache's {BatchSize} rows.");
        }

        return new KvCache(_keys, _values, _lengths, _start + start, count, Capacity, owner: false);
    }

    /// <summary>
    /// Row <paramref name="to"/>[i] becomes a copy of row <paramref name="from"/>[i] (positions and length), all at once:
    /// one gather and one scatter per buffer whatever the number of rows, over the longest source's positions only.
    /// Sources are read before any row is written.
    /// </summary>
    public void CopyRows(IReadOnlyList<int> from, IReadOnlyList<int> to)
    {
        if (from.Count != to.Count)
        {
            throw new ArgumentException($"{from.Count} source rows for {to.Count} destination rows.");
        }

        foreach (var row in from.Concat(to))
        {
            CheckRow(row);
        }

        if (from.Count == 0)
        {
            return;
        }

        // Only the sources' valid positions are copied: slots past a row's length are never read, and a prompt being
        // copied to its samples fills a small part of a capacity sized for whole completions.
        var span = from.Max(r => _lengths[_start + r]);
        using (var scope = NewDisposeScope())
        {
            var device = _keys[0].device;
            var (source, target) = (tensor(from.Select(r => (long)(_start + r)).ToArray(), device: device), tensor(to.Select(r => (long)(_start + r)).ToArray(), device: device));
            foreach (var buffer in span == 0 ? [] : _keys.Concat(_values))
            {
                var valid = buffer.narrow(2, 0, span);
                valid.index_copy_(0, target, valid.index_select(0, source));
            }
        }

        var lengths = from.Select(r => _lengths[_start + r]).ToArray();
        for (var i = 0; i < to.Count; i++)
        {
            _lengths[_start + to[i]] = lengths[i];
        }
    }

    /// <summary>
    /// Writes new keys/values [B, KV, T, D] at <paramref name="writeIndex"/> (positions expanded to [B, KV, T, D])
    /// and returns the first <paramref name="span"/> slots of this view's rows for attention.
    /// </summary>
    internal (Tensor Keys, Tensor Values) Write(int layer, Tensor keys, Tensor values, Tensor writeIndex, long span)
    {
        var (layerKeys, layerValues) = (Rows(_keys[layer]), Rows(_values[layer]));
        layerKeys.scatter_(2, writeIndex, keys);
        layerValues.scatter_(2, writeIndex, values);
        return (layerKeys.narrow(2, 0, span), layerValues.narrow(2, 0, span));
    }

    /// <summary>Throws unless row b has room for <paramref name="newTokens"/>[b] more real positions.</summary>
    internal void EnsureRoom(IReadOnlyList<int> newTokens)
    {
        for (var b = 0; b < BatchSize; b++)
        {
            if (_lengths[_start + b] + newTokens[b] > Capacity)
            {
                throw new InvalidOperationException(
                    $"KV cache overflow: sequence {b} has {_lengths[_start + b]} positions, {newTokens[b]} more requested, capacity is {Capacity}.");
            }
        }
    }

    /// <summary>
    /// The slot past <see cref="Capacity"/> where padding is written: a ragged forward feeds every row T tokens but only
    /// a row's real ones may land in its positions, and the sink is never read.
    /// </summary>
    internal int SinkSlot => Capacity;

    /// <summary>Marks <paramref name="counts"/>[b] freshly written positions of sequence b as valid.</summary>
    public void Advance(IReadOnlyList<int> counts)
    {
        if (counts.Count != BatchSize)
        {
            throw new ArgumentException($"expected {BatchSize} per-sequence counts, got {counts.Count}.");
        }

        for (var b = 0; b < BatchSize; b++)
        {
            if (counts[b] < 0 || _lengths[_start + b] + counts[b] > Capacity)
            {
                throw new ArgumentOutOfRangeException(nameof(counts), $"sequence {b}: cannot advance {_lengths[_start + b]} by {counts[b]} (capacity {Capacity}).");
            }

            _lengths[_start + b] += counts[b];
        }
    }

    /// <summary>Drops positions past <paramref name="length"/> of one sequence (rejected draft tokens).</summary>
    public void Rollback(int sequence, int length)
    {
        CheckRow(sequence);
        if (length < 0 || length > _lengths[_start + sequence])
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"sequence {sequence}: cannot roll back from {_lengths[_start + sequence]} to {length}.");
        }

        _lengths[_start + sequence] = length;
    }

    internal Tensor LengthsTensor(Device device) => tensor(Lengths.Select(l => (long)l).ToArray(), device: device);

    private Tensor Rows(Tensor buffer) => _start == 0 && BatchSize == buffer.shape[0] ? buffer : buffer.narrow(0, _start, BatchSize);

    private void CheckRow(int row)
    {
        if (row < 0 || row >= BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"row {row} is outside this cache's {BatchSize} rows.");
        }
    }

    private static Tensor[] AllocateLayers(PolicyConfig config, int batchSize, int capacity, Device device, ScalarType dtype) =>
        Enumerable.Range(0, config.NumLayers)
            // + the padding sink; the cache owns its buffers (it is disposed explicitly), so no dispose scope may take them.
            .Select(_ => zeros([batchSize, config.NumKvHeads, capacity + 1, config.HeadDim], dtype, device).DetachFromDisposeScope())
            .ToArray();

    public void Dispose()
    {
        if (!_owner)
        {
            return;
        }

        foreach (var t in _keys.Concat(_values))
        {
            t.Dispose();
        }
    }
}
