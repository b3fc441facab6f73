using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>A tensor as a weights file describes it, before its data is read.</summary>
public sealed record StoredTensor(string Name, ScalarType DType, long[] Shape)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
