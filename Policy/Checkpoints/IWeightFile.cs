using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>One open weights file (a safetensors file or a pickled state dict): its tensors are described up front and
/// read one at a time, so loading never holds more than one tensor beyond the model's own parameters.</summary>
public interface IWeightFile : IDisposable
{
    string Path { get; }

    /// <summary>The file's tensors, in the order reading them is cheapest.</summary>
    IReadOnlyList<StoredTensor> Tensors { get; }

    /// <summary>Reads <paramref name="tensor"/> into <paramref name="target"/> (same shape; dtype and device converted).</summary>
    void ReadInto(StoredTensor tensor, Tensor target);
}
