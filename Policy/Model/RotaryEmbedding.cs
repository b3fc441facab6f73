using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>
/// Rotary position embedding in the HF "rotate half" layout (first half of each head pairs with the second),
/// so Llama/Qwen2 checkpoints load without permuting q/k weights. The tables are derived, not learned, so they are
/// kept out of the module's state (and checkpoints) and follow the positions to their device on first use:
/// TorchSharp 0.107's <c>Module.to</c> left non-persistent buffers on the CPU (seen on CUDA).
/// </summary>
public sealed class RotaryEmbedding : nn.Module
{
    // A tuple, not Tensor fields: TorchSharp registers a module's Tensor fields as persistent state.
    private (Tensor Cos, Tensor Sin) _tables;

    public RotaryEmbedding(int headDim, int maxPositions, double theta) : base(nameof(RotaryEmbedding))
    {
        using (var scope = NewDisposeScope())
        {
            var inverseFrequencies = 1.0 / pow(theta, arange(0, headDim, 2, ScalarType.Float64) / headDim);
            var angles = outer(arange(maxPositions, ScalarType.Float64), inverseFrequencies); // [P, D/2]
            var doubled = cat([angles, angles], dim: -1);                                      // [P, D]
            _tables = (doubled.cos().to_type(ScalarType.Float32).MoveToOuterDisposeScope(), doubled.sin().to_type(ScalarType.Float32).MoveToOuterDisposeScope());
        }

        MaxPositions = maxPositions;
    }

    public int MaxPositions { get; }

    /// <summary>Cos/sin gathered at <paramref name="positions"/> [B, T], shaped [B, 1, T, D] to broadcast over heads.</summary>
    public (Tensor Cos, Tensor Sin) At(Tensor positions)
    {
        var (cos, sin) = _tables;
        if (cos.device_type != positions.device_type || cos.device_index != positions.device_index)
        {
            _tables = (cos, sin) = (Moved(cos, positions.device), Moved(sin, positions.device));
        }

        return (cos[positions].unsqueeze(1), sin[positions].unsqueeze(1));
    }

    private static Tensor Moved(Tensor table, Device device)
    {
        var moved = table.to(device).DetachFromDisposeScope();
        table.Dispose();
        return moved;
    }

    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[^1] / 2;
        var rotated = cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], dim: -1);
        return (x * cos) + (rotated * sin);
    }
}
