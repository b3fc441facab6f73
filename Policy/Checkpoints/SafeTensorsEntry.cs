namespace RlSpec.Policy.Checkpoints;

/// <summary>One tensor as described by a safetensors header: dtype, shape and byte range within the data section.</summary>
public sealed record SafeTensorsEntry(string Name, SafeTensorsDType DType, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
