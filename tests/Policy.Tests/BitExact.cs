using static TorchSharp.torch;

namespace RlSpec.Policy.Tests;

/// <summary>Bit-for-bit tensor equality (shape, dtype and every byte), stricter than ==, which equates 0 and -0.</summary>
internal static class BitExact
{
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype)
        {
            return false;
        }

        using var x = a.detach().cpu().contiguous();
        using var y = b.detach().cpu().contiguous();
        return x.bytes.SequenceEqual(y.bytes);
    }
}
