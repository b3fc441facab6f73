using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>
/// Writes float32 tensors as a safetensors file. The file is written beside the target and renamed into place,
/// so an interrupted save never leaves a half-written checkpoint where a good one was.
/// </summary>
public static class SafeTensorsWriter
{
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(path, stream => Write(stream, tensors, metadata));

    /// <summary>Writes the safetensors bytes to <paramref name="stream"/> (weights sent between nodes use the file format too).</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var payloads = ordered.Select(t => Bytes(t.Key, t.Value)).ToList();
        var header = new Dictionary<string, object>();
        if (metadata is { Count: > 0 })
        {
            header["__metadata__"] = metadata;
        }

        long offset = 0;
        for (var i = 0; i < ordered.Count; i++)
        {
            header[ordered[i].Key] = new Dictionary<string, object>
            {
                ["dtype"] = "F32",
                ["shape"] = ordered[i].Value.shape,
                ["data_offsets"] = new[] { offset, offset + payloads[i].Length },
            };
            offset += payloads[i].Length;
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
        foreach (var payload in payloads)
        {
            stream.Write(payload);
        }
    }

    private static byte[] Bytes(string name, Tensor t)
    {
        if (t.dtype != ScalarType.Float32)
        {
            throw new ArgumentException($"tensor '{name}' is {t.dtype}; RlSpec writes float32 checkpoints.");
        }

        using var cpu = t.detach().cpu().contiguous();
        return MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan()).ToArray();
    }
}
