using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>
/// Preallocated key/value cache, one [batch, kv_heads, capacity, head_dim] buffer pair per layer.
/// Slot j of sequence b holds position j: sequences are never left-padded, so ragged sequences simply
/// have different <see cref="Lengths"/>. Rolling back is moving a length down; slots past a length are
/// masked out by the attention and overwritten by the next write.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;   // per layer [B, KV, capacity, D]
    private readonly Tensor[] _values; // per layer [B, KV, capacity, D]
    private readonly int[] _lengths;

    public KvCache(PolicyConfig config, int batchSize, int capacity, Device device, ScalarType dtype = ScalarType.Float32)
        : this(AllocateLayers(config, batchSize, capacity, device, dtype), AllocateLayers(config, batchSize, capacity, device, dtype), new int[batchSize], capacity)
    {
    }

    private KvCache(Tensor[] keys, Tensor[] values, int[] lengths, int capacity)
    {
        _keys = keys;
        _values = values;
        _lengths = lengths;
        Capacity = capacity;
    }

    public int BatchSize => _lengths.Length;

    public int Capacity { get; }

    /// <summary>Number of valid positions per sequence.</summary>
    public IReadOnlyList<int> Lengths => _lengths;

    public int MaxLength => _lengths.Length == 0 ? 0 : _lengths.Max();

    /// <summary>
    /// Writes new keys/values [B, KV, T, D] at <paramref name="writeIndex"/> (positions expanded to [B, KV, T, D])
    /// and returns the first <paramref name="span"/> slots of the layer's buffers for attention.
    /// </summary>
    internal (Tensor Keys, Tensor Values) Write(int layer, Tensor keys, Tensor values, Tensor writeIndex, long span)
    {
        _keys[layer].scatter_(2, writeIndex, keys);
        _values[layer].scatter_(2, writeIndex, values);
        return (_keys[layer].narrow(2, 0, span), _values[layer].narrow(2, 0, span));
    }

    /// <summary>Throws unless <paramref name="newTokens"/> more positions fit for every sequence.</summary>
    internal void EnsureRoom(int newTokens)
    {
        if (MaxLength + newTokens > Capacity)
        {
            throw new InvalidOperationException(
                $"KV cache overflow: longest sequence has {MaxLength} positions, {newTokens} more requested, capacity is {Capacity}.");
        }
    }

    /// <summary>Marks <paramref name="counts"/>[b] freshly written positions of sequence b as valid.</summary>
    public void Advance(IReadOnlyList<int> counts)
    {
        CheckBatch(counts.Count);
        for (var b = 0; b < _lengths.Length; b++)
        {
            if (counts[b] < 0 || _lengths[b] + counts[b] > Capacity)
            {
                throw new ArgumentOutOfRangeException(nameof(counts), $"sequence {b}: cannot advance {_lengths[b]} by {counts[b]} (capacity {Capacity}).");
            }

            _lengths[b] += counts[b];
        }
    }

    /// <summary>Drops positions past <paramref name="length"/> of one sequence (rejected draft tokens).</summary>
    public void Rollback(int sequence, int length)
    {
        if (length < 0 || length > _lengths[sequence])
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"sequence {sequence}: cannot roll back from {_lengths[sequence]} to {length}.");
        }

        _lengths[sequence] = length;
    }

    /// <summary>
    /// A cache for <c>BatchSize * groupSize</c> sequences where rows b*G .. b*G+G-1 all start from this cache's row b:
    /// a GRPO group shares one prompt prefill instead of recomputing it G times.
    /// </summary>
    public KvCache RepeatForGroups(int groupSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groupSize, 1);
        var keys = _keys.Select(k => k.repeat_interleave(groupSize, dim: 0)).ToArray();
        var values = _values.Select(v => v.repeat_interleave(groupSize, dim: 0)).ToArray();
        var lengths = _lengths.SelectMany(l => Enumerable.Repeat(l, groupSize)).ToArray();
        return new KvCache(keys, values, lengths, Capacity);
    }

    internal Tensor LengthsTensor(Device device) => tensor(_lengths.Select(l => (long)l).ToArray(), device: device);

    private void CheckBatch(int count)
    {
        if (count != _lengths.Length)
        {
            throw new ArgumentException($"expected {_lengths.Length} per-sequence counts, got {count}.");
        }
    }

    private static Tensor[] AllocateLayers(PolicyConfig config, int batchSize, int capacity, Device device, ScalarType dtype) =>
        Enumerable.Range(0, config.NumLayers)
            .Select(_ => zeros([batchSize, config.NumKvHeads, capacity, config.HeadDim], dtype, device))
            .ToArray();

    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values))
        {
            t.Dispose();
        }
    }
}
