using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>
/// Keys and values of earlier cache-free passes, per layer, that a later pass attends to as well: training-time-test
/// unrolling feeds one segment per step and only the new segment's queries are computed, where re-running every earlier
/// segment gives the same outputs again. Kept as autograd-tracked tensors joined by <c>cat</c>, because a
/// <see cref="KvCache"/>'s in-place writes would cut the gradient to the earlier segments' projections.
/// </summary>
public sealed class AttentionMemory
{
    private readonly Dictionary<int, (Tensor Keys, Tensor Values)> _layers = [];

    /// <summary>Keys seen so far (every layer holds the same number).</summary>
    public long Length { get; private set; }

    /// <summary>Appends this pass's keys and values [B, KV, T, D] to layer <paramref name="layer"/>'s; returns all of them [B, KV, S, D].</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        var joined = _layers.TryGetValue(layer, out var earlier) ? (cat([earlier.Keys, keys], 2), cat([earlier.Values, values], 2)) : (keys, values);
        _layers[layer] = joined;
        Length = joined.Item1.shape[2];
        return joined;
    }
}
