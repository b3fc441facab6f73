using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>Element types RlSpec reads and writes in safetensors files.</summary>
public enum SafeTensorsDType
{
    F32,
    F16,
    BF16,
}

public static class SafeTensorsDTypeExtensions
{
    public static int ByteSize(this SafeTensorsDType dtype) => dtype == SafeTensorsDType.F32 ? 4 : 2;

    public static bool TryParse(string text, out SafeTensorsDType dtype) =>
        Enum.TryParse(text, ignoreCase: false, out dtype) && Enum.IsDefined(dtype);

    public static ScalarType ToScalarType(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F32 => ScalarType.Float32,
        SafeTensorsDType.F16 => ScalarType.Float16,
        _ => ScalarType.BFloat16,
    };

    public static SafeTensorsDType FromScalarType(ScalarType dtype, string name) => dtype switch
    {
        ScalarType.Float32 => SafeTensorsDType.F32,
        ScalarType.Float16 => SafeTensorsDType.F16,
        ScalarType.BFloat16 => SafeTensorsDType.BF16,
        _ => throw new ArgumentException($"tensor '{name}' is {dtype}; safetensors files here hold F32, F16 or BF16."),
    };
}
