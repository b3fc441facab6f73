using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Policy.Tensors;

/// <summary>
/// Tensor arithmetic that never hands libtorch a temporary <see cref="Scalar"/>. TorchSharp's Scalar has a finalizer and
/// no dispose scope, and its own <c>a + b</c> passes a fresh alpha Scalar 1 whose last managed use is reading its handle:
/// a GC during the native call (any thread allocating) can free it while libtorch reads it. Seen here as a crash
/// ("for integral input tensors, argument alpha must not be a floating point number", the freed memory by then another
/// Scalar) and as an assert in Scalar::equal; a floating Scalar reused the same way would change a result silently.
/// The analyzer (BannedSymbols.txt) bans the temporaries, and BannedTensorApiTests the compound assignments it
/// does not see (<c>loss += kl</c>); these are the safe forms. Elsewhere, pass a Scalar held by
/// a field or a <c>using</c> variable, which stays reachable until the call returns.
/// </summary>
public static class TensorArithmetic
{
    /// <summary>Integral 0 for the life of the process (a static field roots it, so no finalizer ever runs). Never dispose it.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Integral 1 for the life of the process: the alpha TorchSharp's own add passes, valid for integral and
    /// floating tensors alike. Never dispose it.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>Integral 2, <see cref="Squared"/>'s exponent (what <c>square()</c> passes). Never dispose it.</summary>
    private static readonly Scalar Two = 2.ToScalar();

    /// <summary><c>a + b</c>.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>a += b</c> in place; returns <paramref name="a"/>.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary><c>a + value</c>, the value as an integral Scalar (an integral tensor stays integral).</summary>
    public static Tensor Plus(this Tensor a, long value) => Using(value.ToScalar(), s => a.add(s, One));

    /// <summary><c>a + value</c>, the value as a double Scalar.</summary>
    public static Tensor Plus(this Tensor a, double value) => Using(value.ToScalar(), s => a.add(s, One));

    /// <summary><c>a += value</c> in place, the value as a double Scalar; returns <paramref name="a"/>.</summary>
    public static Tensor PlusInPlace(this Tensor a, double value) => Using(value.ToScalar(), s => a.add_(s, One));

    /// <summary><c>a − value</c>, the value as an integral Scalar.</summary>
    public static Tensor Minus(this Tensor a, long value) => Using(value.ToScalar(), s => a.sub(s));

    /// <summary><c>a − value</c>, the value as a double Scalar.</summary>
    public static Tensor Minus(this Tensor a, double value) => Using(value.ToScalar(), s => a.sub(s));

    /// <summary><c>a * value</c>, the value as a double Scalar (the tensor keeps its floating dtype).</summary>
    public static Tensor Times(this Tensor a, double value) => Using(value.ToScalar(), s => a.mul(s));

    /// <summary><c>a *= value</c> in place, the value as a double Scalar; returns <paramref name="a"/>.</summary>
    public static Tensor TimesInPlace(this Tensor a, double value) => Using(value.ToScalar(), s => a.mul_(s));

    /// <summary><c>a²</c> element-wise: TorchSharp's <c>square()</c> (<c>pow(2)</c>, the same kernel and backward) with an
    /// exponent that lives as long as the process instead of a temporary one.</summary>
    public static Tensor Squared(this Tensor a) => a.pow(Two);

    /// <summary><c>a / value</c>, the value as a double Scalar.</summary>
    public static Tensor DividedBy(this Tensor a, double value) => Using(value.ToScalar(), s => a.div(s));

    /// <summary><c>max(a, value)</c> element-wise, the value as an integral Scalar.</summary>
    public static Tensor ClampMin(this Tensor a, long value) => Using(value.ToScalar(), s => a.clamp_min(s));

    /// <summary><c>max(a, value)</c> element-wise, the value as a double Scalar.</summary>
    public static Tensor ClampMin(this Tensor a, double value) => Using(value.ToScalar(), s => a.clamp_min(s));

    /// <summary><c>min(a, value)</c> element-wise, the value as an integral Scalar.</summary>
    public static Tensor ClampMax(this Tensor a, long value) => Using(value.ToScalar(), s => a.clamp_max(s));

    /// <summary><c>min(a, value)</c> element-wise, the value as a double Scalar.</summary>
    public static Tensor ClampMax(this Tensor a, double value) => Using(value.ToScalar(), s => a.clamp_max(s));

    /// <summary>0, 1, ..., <paramref name="stop"/> − 1 (int64 unless <paramref name="dtype"/> says otherwise).</summary>
    public static Tensor Arange(long stop, Device? device = null, ScalarType? dtype = null)
    {
        using var end = stop.ToScalar();
        return arange(Zero, end, One, dtype, device);
    }

    /// <summary>Runs <paramref name="op"/> while <paramref name="scalar"/> is held, then frees it at once (no finalizer).</summary>
    private static Tensor Using(Scalar scalar, Func<Scalar, Tensor> op)
    {
        using (scalar)
        {
            return op(scalar);
        }
    }
}
