using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>
/// Rotary position embedding in the HF "rotate half" layout (first half of each head pairs with the second),
/// so Llama/Qwen checkpoints load without permuting q/k weights. Angles are computed per pass from the positions in
/// float64 (no [max_positions, head_dim] table: Llama 3's 131,072 positions would cost hundreds of MB) and rounded to
/// float32. The inverse frequencies are derived, not learned, so they stay out of the module's state and checkpoints.
/// </summary>
public sealed class RotaryEmbedding : nn.Module
{
    // Boxed, not a Tensor field: TorchSharp registers a module's Tensor fields as persistent state.
    private readonly StrongBox<Tensor> _inverseFrequencies; // [D/2] float64

    public RotaryEmbedding(int headDim, int maxPositions, double theta, RopeScaling? scaling = null) : base(nameof(RotaryEmbedding))
    {
        var inverse = Enumerable.Range(0, headDim / 2)
            .Select(i => 1.0 / Math.Pow(theta, 2.0 * i / headDim))
            .Select(f => scaling?.Scale(f) ?? f)
            .ToArray();
        _inverseFrequencies = new StrongBox<Tensor>(tensor(inverse, ScalarType.Float64).DetachFromDisposeScope());
        MaxPositions = maxPositions;
    }

    public int MaxPositions { get; }

    /// <summary>Cos/sin at <paramref name="positions"/> [B, T], shaped [B, 1, T, D] to broadcast over heads (float32).</summary>
    public (Tensor Cos, Tensor Sin) At(Tensor positions)
    {
        var inverse = _inverseFrequencies.Value!;
        if (inverse.device_type != positions.device_type || inverse.device_index != positions.device_index)
        {
            // TorchSharp 0.107's Module.to leaves non-state tensors behind, so follow the positions (seen on CUDA).
            var moved = inverse.to(positions.device).DetachFromDisposeScope();
            inverse.Dispose();
            _inverseFrequencies.Value = inverse = moved;
        }

        var angles = positions.to_type(ScalarType.Float64).unsqueeze(-1) * inverse;   // [B, T, D/2]
        var doubled = cat([angles, angles], dim: -1).unsqueeze(1);                     // [B, 1, T, D]
        return (doubled.cos().to_type(ScalarType.Float32), doubled.sin().to_type(ScalarType.Float32));
    }

    /// <summary>Rotates <paramref name="x"/> [B, H, T, D]; cos/sin are cast to its dtype first, as HF does in half precision.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[^1] / 2;
        var rotated = cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], dim: -1);
        return (x * cos.to_type(x.dtype)).Plus(rotated * sin.to_type(x.dtype));
    }
}
