using System.Buffers.Binary;
using System.Text.Json;

namespace RlSpec.Policy.Checkpoints;

/// <summary>
/// Strict parser for the safetensors layout: 8-byte little-endian header length, a JSON header mapping names to
/// {dtype, shape, data_offsets}, then one data section in which tensors are packed back to back without gaps.
/// </summary>
public static class SafeTensorsHeader
{
    /// <summary>Headers larger than this are refused before allocation, as the reference implementation does.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public static (IReadOnlyList<SafeTensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata, long DataStart) Read(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
        {
            throw new CheckpointFormatException($"{path}: file is shorter than the 8-byte safetensors header length.");
        }

        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(prefix);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > stream.Length)
        {
            throw new CheckpointFormatException($"{path}: header length {headerLength} is impossible for a file of {stream.Length} bytes.");
        }

        var json = new byte[headerLength];
        stream.ReadExactly(json);
        var dataLength = stream.Length - 8 - headerLength;
        var (entries, metadata) = Parse(json, path, dataLength);
        return (entries, metadata, 8 + headerLength);
    }

    private static (IReadOnlyList<SafeTensorsEntry>, IReadOnlyDictionary<string, string>) Parse(byte[] json, string path, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{path}: header is not valid JSON ({e.Message}).");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException($"{path}: header must be a JSON object.");
            }

            var entries = new List<SafeTensorsEntry>();
            var metadata = new Dictionary<string, string>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (var m in property.Value.EnumerateObject())
                    {
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String
                            ? m.Value.GetString()!
                            : throw new CheckpointFormatException($"{path}: __metadata__.{m.Name} must be a string.");
                    }

                    continue;
                }

                entries.Add(ParseEntry(property, path));
            }

            CheckLayout(entries, path, dataLength);
            return (entries, metadata);
        }
    }

    private static SafeTensorsEntry ParseEntry(JsonProperty property, string path)
    {
        var name = property.Name;
        var e = property.Value;
        string Where(string what) => $"{path}: tensor '{name}': {what}";
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("dtype", out var dtypeJson) || dtypeJson.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array
            || !e.TryGetProperty("data_offsets", out var offsetsJson) || offsetsJson.ValueKind != JsonValueKind.Array)
        {
            throw new CheckpointFormatException(Where("expected {\"dtype\": string, \"shape\": [..], \"data_offsets\": [begin, end]}."));
        }

        if (!SafeTensorsDTypeExtensions.TryParse(dtypeJson.GetString()!, out var dtype))
        {
            throw new CheckpointFormatException(Where($"dtype '{dtypeJson.GetString()}' is not supported (expected F32, F16 or BF16)."));
        }

        var shape = shapeJson.EnumerateArray().Select(d => d.TryGetInt64(out var v) && v >= 0 ? v : -1).ToArray();
        var offsets = offsetsJson.EnumerateArray().Select(d => d.TryGetInt64(out var v) && v >= 0 ? v : -1).ToArray();
        if (shape.Any(d => d < 0))
        {
            throw new CheckpointFormatException(Where("shape must hold non-negative integers."));
        }

        if (offsets.Length != 2 || offsets.Any(o => o < 0) || offsets[1] < offsets[0])
        {
            throw new CheckpointFormatException(Where("data_offsets must be [begin, end] with 0 <= begin <= end."));
        }

        var entry = new SafeTensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
        if (entry.ElementCount * dtype.ByteSize() != entry.End - entry.Begin)
        {
            throw new CheckpointFormatException(Where(
                $"{dtype} shape [{string.Join(", ", shape)}] needs {entry.ElementCount * dtype.ByteSize()} bytes but data_offsets span {entry.End - entry.Begin}."));
        }

        return entry;
    }

    private static void CheckLayout(List<SafeTensorsEntry> entries, string path, long dataLength)
    {
        long expectedBegin = 0;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin != expectedBegin)
            {
                throw new CheckpointFormatException(
                    $"{path}: tensor '{entry.Name}' starts at byte {entry.Begin} of the data section, expected {expectedBegin} (tensors overlap or leave a gap).");
            }

            if (entry.End > dataLength)
            {
                throw new CheckpointFormatException(
                    $"{path}: tensor '{entry.Name}' ends at byte {entry.End} but the data section has only {dataLength} bytes (file truncated?).");
            }

            expectedBegin = entry.End;
        }

        if (expectedBegin != dataLength)
        {
            throw new CheckpointFormatException($"{path}: {dataLength - expectedBegin} bytes after the last tensor are not described by the header.");
        }
    }
}
