using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>A safetensors file opened for streaming: the header is parsed and checked (no overlaps, gaps or
/// truncation) on open; data is read tensor by tensor straight into the model's parameters.</summary>
public sealed class SafeTensorsWeightFile : IWeightFile
{
    private readonly FileStream _stream;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorsEntry> _entries;

    public SafeTensorsWeightFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointFormatException($"{path}: file not found.");
        }

        Path = path;
        // No managed buffering: reads land directly in tensor storage.
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        try
        {
            var (entries, _, dataStart) = SafeTensorsHeader.Read(_stream, path);
            _dataStart = dataStart;
            _entries = entries.ToDictionary(e => e.Name);
            Tensors = entries.OrderBy(e => e.Begin).Select(e => new StoredTensor(e.Name, e.DType.ToScalarType(), e.Shape)).ToList();
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public IReadOnlyList<StoredTensor> Tensors { get; }

    public void ReadInto(StoredTensor tensor, Tensor target) => SafeTensorsReader.ReadInto(_stream, _dataStart, _entries[tensor.Name], target);

    public void Dispose() => _stream.Dispose();
}
