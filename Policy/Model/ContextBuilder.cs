using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>Builds the per-pass <see cref="ForwardContext"/> for a stack of layers sharing one rotary table.</summary>
internal sealed class ContextBuilder(PolicyConfig config, RotaryEmbedding rotary)
{
    /// <summary>Cache-free causal pass over positions 0..T-1.</summary>
    public ForwardContext Causal(long batch, long time, Device device)
    {
        CheckPositions(time);
        var positions = TensorArithmetic.Arange(time, device).unsqueeze(0).expand(batch, time);
        var (cos, sin) = rotary.At(positions);
        return new ForwardContext(cos, sin, Mask: null, Cache: null, WriteIndex: null, KeySpan: time);
    }

    /// <summary>
    /// Cache-free pass with explicit positions [B, T] and boolean mask [B or 1, 1, T, S] (true = attend): S = T, or with
    /// <paramref name="memory"/> its keys followed by the T new ones.
    /// </summary>
    public ForwardContext Explicit(Tensor positions, Tensor mask, AttentionMemory? memory = null)
    {
        var (cos, sin) = rotary.At(positions);
        return new ForwardContext(cos, sin, mask, Cache: null, WriteIndex: null, KeySpan: (memory?.Length ?? 0) + positions.shape[1], memory);
    }

    /// <summary>New tokens written after each sequence's cached length; <paramref name="validCounts"/> real tokens per row.</summary>
    public ForwardContext Cached(KvCache cache, long batch, long time, IReadOnlyList<int>? validCounts, Device device)
    {
        if (cache.BatchSize != batch)
        {
            throw new ArgumentException($"cache holds {cache.BatchSize} sequences but {batch} were fed.");
        }

        var real = validCounts ?? Enumerable.Repeat((int)time, (int)batch).ToArray();
        cache.EnsureRoom(real);
        CheckPositions(Enumerable.Range(0, (int)batch).Max(b => cache.Lengths[b] + real[b]));
        var positions = cache.LengthsTensor(device).unsqueeze(1).Plus(TensorArithmetic.Arange(time, device).unsqueeze(0)); // [B, T]
        // Padding past a row's real tokens may reach beyond the cache; it attends to real keys only and writes to the sink.
        var span = Math.Min(cache.Capacity, cache.MaxLength + time);
        var mask = (TensorArithmetic.Arange(span, device).view(1, 1, span) <= positions.unsqueeze(-1)).unsqueeze(1);  // [B, 1, T, S]
        var isReal = TensorArithmetic.Arange(time, device).unsqueeze(0) < tensor(real.Select(r => (long)r).ToArray(), device: device).unsqueeze(1);
        using var sink = tensor((long)cache.SinkSlot, device: device);
        var slots = where(isReal, positions, sink);
        var writeIndex = slots.view(batch, 1, time, 1).expand(batch, config.NumKvHeads, time, config.HeadDim);
        // Padding may sit past MaxPositions (its keys are never attended to); only real tokens were checked above.
        var (cos, sin) = rotary.At(positions.ClampMax(rotary.MaxPositions - 1));
        return new ForwardContext(cos, sin, mask, cache, writeIndex, span);
    }

    private void CheckPositions(long needed)
    {
        if (needed > rotary.MaxPositions)
        {
            throw new ArgumentException($"sequence of {needed} positions exceeds the model's MaxPositions ({rotary.MaxPositions}).");
        }
    }
}
