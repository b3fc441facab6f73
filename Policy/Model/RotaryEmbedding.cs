using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>
/// Rotary position embedding in the HF "rotate half" layout (first half of each head pairs with the second),
/// so Llama/Qwen2 checkpoints load without permuting q/k weights. Tables are non-persistent buffers: they move
/// with the module between devices but are not checkpoint tensors.
/// </summary>
public sealed class RotaryEmbedding : nn.Module
{
    public RotaryEmbedding(int headDim, int maxPositions, double theta) : base(nameof(RotaryEmbedding))
    {
        // No tensor fields: RegisterComponents would register them as persistent checkpoint entries.
        using (var scope = NewDisposeScope())
        {
            var inverseFrequencies = 1.0 / pow(theta, arange(0, headDim, 2, ScalarType.Float64) / headDim);
            var angles = outer(arange(maxPositions, ScalarType.Float64), inverseFrequencies); // [P, D/2]
            var doubled = cat([angles, angles], dim: -1);                                      // [P, D]
            register_buffer("cos_cached", doubled.cos().to_type(ScalarType.Float32).MoveToOuterDisposeScope(), persistent: false);
            register_buffer("sin_cached", doubled.sin().to_type(ScalarType.Float32).MoveToOuterDisposeScope(), persistent: false);
        }
        MaxPositions = maxPositions;
    }

    public int MaxPositions { get; }

    /// <summary>Cos/sin gathered at <paramref name="positions"/> [B, T], shaped [B, 1, T, D] to broadcast over heads.</summary>
    public (Tensor Cos, Tensor Sin) At(Tensor positions)
    {
        var cos = get_buffer("cos_cached")!;
        var sin = get_buffer("sin_cached")!;
        return (cos[positions].unsqueeze(1), sin[positions].unsqueeze(1));
    }

    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[^1] / 2;
        var rotated = cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], dim: -1);
        return (x * cos) + (rotated * sin);
    }
}
