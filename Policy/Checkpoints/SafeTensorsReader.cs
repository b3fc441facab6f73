using System.Buffers.Binary;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>Reads a safetensors file into float32 CPU tensors (F16 and BF16 widen exactly).</summary>
public static class SafeTensorsReader
{
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
            var raw = new byte[entry.End - entry.Begin];
            stream.Position = dataStart + entry.Begin;
            stream.ReadExactly(raw);
            tensors[entry.Name] = tensor(Widen(raw, entry.DType), entry.Shape);
        }

        return tensors;
    }

    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        return SafeTensorsHeader.Read(stream, path).Metadata;
    }

    private static float[] Widen(byte[] raw, SafeTensorsDType dtype)
    {
        switch (dtype)
        {
            case SafeTensorsDType.F32:
                return MemoryMarshal.Cast<byte, float>(raw).ToArray();
            case SafeTensorsDType.F16:
                return MemoryMarshal.Cast<byte, Half>(raw).ToArray().Select(h => (float)h).ToArray();
            default:
                // bfloat16 is the top half of a float32: shifting the bits back is exact.
                var result = new float[raw.Length / 2];
                for (var i = 0; i < result.Length; i++)
                {
                    var bits = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(2 * i, 2));
                    result[i] = BitConverter.Int32BitsToSingle(bits << 16);
                }

                return result;
        }
    }
}
