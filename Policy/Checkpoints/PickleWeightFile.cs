using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>
/// A <c>pytorch_model.bin</c> (a state dict saved by <c>torch.save</c>), read through TorchSharp.PyBridge's unpickler
/// with tensor reads deferred, so tensors are read one at a time like safetensors ones. PyBridge 1.4.4 hands deferred
/// tensors out as a non-public type, so its Shape, DType and ReadTensorFromStream are reached by reflection.
/// </summary>
public sealed class PickleWeightFile : IWeightFile
{
    private readonly FileStream _stream;
    private readonly Dictionary<string, object> _tensors = [];

    public PickleWeightFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointFormatException($"{path}: file not found.");
        }

        Path = path;
        _stream = File.OpenRead(path);
        try
        {
            foreach (DictionaryEntry entry in PyTorchUnpickler.UnpickleStateDict(_stream, leaveOpen: true, skipTensorRead: true))
            {
                _tensors[(string)entry.Key] = entry.Value?.GetType().Name == "TensorConstructorArgs"
                    ? entry.Value : throw new CheckpointFormatException($"{path}: entry '{entry.Key}' is not a tensor.");
            }
        }
        catch (Exception e) when (e is not CheckpointFormatException)
        {
            _stream.Dispose();
            throw new CheckpointFormatException($"{path}: not a state dict saved by torch.save ({e.Message}).");
        }

        Tensors = _tensors.Select(kv => new StoredTensor(kv.Key, Get<ScalarType>(kv.Value, "DType"), Get<long[]>(kv.Value, "Shape")))
            .OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
    }

    public string Path { get; }

    public IReadOnlyList<StoredTensor> Tensors { get; }

    public void ReadInto(StoredTensor tensor, Tensor target)
    {
        var deferred = _tensors[tensor.Name];
        using var loaded = (Tensor)deferred.GetType().GetMethod("ReadTensorFromStream")!.Invoke(deferred, null)!;
        using var noGrad = no_grad();
        target.copy_(loaded);
    }

    public void Dispose() => _stream.Dispose();

    private static T Get<T>(object deferred, string property) => (T)deferred.GetType().GetProperty(property)!.GetValue(deferred)!;
}
