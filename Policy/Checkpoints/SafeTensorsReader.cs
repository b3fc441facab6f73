using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>Reads safetensors files: whole into float32 tensors (small files: drafter heads, weight snapshots), or one
/// tensor at a time straight into existing tensors (<see cref="ReadInto"/>, what checkpoint loading uses).</summary>
public static class SafeTensorsReader
{
    /// <summary>Bytes read per call: large tensors arrive in slices (a span cannot exceed 2 GiB).</summary>
    private const long ChunkBytes = 256 << 20;

    /// <summary>Every tensor of the file as a float32 CPU tensor (F16 and BF16 widen exactly).</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointFormatException($"{path}: file not found.");
        }

        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads safetensors bytes from a seekable stream; <paramref name="source"/> names it in errors.</summary>
    public static Dictionary<string, Tensor> Read(Stream stream, string source)
    {
        var (entries, _, dataStart) = SafeTensorsHeader.Read(stream, source);
        var tensors = new Dictionary<string, Tensor>();
        foreach (var entry in entries)
        {
            using var stored = empty(entry.Shape, entry.DType.ToScalarType());
            ReadInto(stream, dataStart, entry, stored);
            tensors[entry.Name] = stored.to_type(ScalarType.Float32, copy: true);
        }

        return tensors;
    }

    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        return SafeTensorsHeader.Read(stream, path).Metadata;
    }

    /// <summary>
    /// Reads <paramref name="entry"/> into <paramref name="target"/> (same shape): straight into its storage when it is a
    /// contiguous CPU tensor of the stored dtype, otherwise through a CPU buffer of that one tensor, converted by copy.
    /// </summary>
    public static void ReadInto(Stream stream, long dataStart, SafeTensorsEntry entry, Tensor target)
    {
        var stored = entry.DType.ToScalarType();
        if (target.device_type == TorchSharp.DeviceType.CPU && target.dtype == stored && target.is_contiguous())
        {
            ReadBytes(stream, dataStart + entry.Begin, target);
            return;
        }

        using var buffer = empty(entry.Shape, stored);
        ReadBytes(stream, dataStart + entry.Begin, buffer);
        using var noGrad = no_grad();
        target.copy_(buffer);
    }

    private static void ReadBytes(Stream stream, long position, Tensor target)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        stream.Position = position;
        var flat = target.view(-1);
        var perChunk = Math.Max(1, ChunkBytes / flat.element_size());
        for (long start = 0; start < flat.numel(); start += perChunk)
        {
            stream.ReadExactly(flat.narrow(0, start, Math.Min(perChunk, flat.numel() - start)).bytes);
        }
    }
}
