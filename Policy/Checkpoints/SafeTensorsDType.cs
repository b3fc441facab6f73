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
}
