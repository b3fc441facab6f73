using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>
/// Writes tensors (F32, F16 or BF16, each in its own dtype) as a safetensors file, one tensor at a time so a large
/// model is never copied whole. The file is written beside the target and renamed into place, so an interrupted save
/// never leaves a half-written checkpoint where a good one was.
/// </summary>
public static class SafeTensorsWriter
{
    /// <summary>Bytes copied per write: large tensors go out in slices, never as one managed array.</summary>
    private const long ChunkBytes = 64 << 20;

    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(path, stream => Write(stream, tensors, metadata));

    /// <summary>Writes the safetensors bytes to <paramref name="stream"/> (weights sent between nodes use the file format too).</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object>();
        if (metadata is { Count: > 0 })
        {
            header["__metadata__"] = metadata;
        }

        long offset = 0;
        foreach (var (name, t) in ordered)
        {
            var dtype = SafeTensorsDTypeExtensions.FromScalarType(t.dtype, name);
            var length = t.numel() * dtype.ByteSize();
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = dtype.ToString(),
                ["shape"] = t.shape,
                ["data_offsets"] = new[] { offset, offset + length },
            };
            offset += length;
        }

        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        var padded = (json.Length + 7) / 8 * 8; // align the data section to 8 bytes, padding with spaces as the spec allows
        var headerBytes = new byte[padded];
        json.CopyTo(headerBytes, 0);
        headerBytes.AsSpan(json.Length).Fill((byte)' ');

        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(prefix, headerBytes.Length);
        stream.Write(prefix);
        stream.Write(headerBytes);
        foreach (var (_, t) in ordered)
        {
            WriteData(stream, t);
        }
    }

    private static void WriteData(Stream stream, Tensor t)
    {
        using var scope = NewDisposeScope();
        var flat = t.detach().cpu().contiguous().view(-1);
        var perChunk = Math.Max(1, ChunkBytes / flat.element_size());
        for (long start = 0; start < flat.numel(); start += perChunk)
        {
            stream.Write(flat.narrow(0, start, Math.Min(perChunk, flat.numel() - start)).bytes);
        }
    }
}
