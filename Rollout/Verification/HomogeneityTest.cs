using MathNet.Numerics.Distributions;

namespace RlSpec.Rollout.Verification;

/// <summary>Result of comparing two samples of one categorical variable.</summary>
/// <param name="PValue">Chi-square test of homogeneity (1 when there is nothing to compare).</param>
/// <param name="TotalVariation">½ Σ |f₁ − f₂| between the two empirical distributions.</param>
/// <param name="TvScale">½ Σ sd(f₁ − f₂) per category under equal distributions; the TV two samples of these sizes show
/// from noise alone is a small multiple of it, so <c>TotalVariation / TvScale</c> is the TV in noise units.</param>
public sealed record HomogeneityResult(double PValue, double ChiSquare, int DegreesOfFreedom, double TotalVariation, double TvScale)
{
    /// <summary>E[TV] under equal distributions (E|N(0, σ²)| = σ·sqrt(2/π) per category).</summary>
    public double ExpectedNoiseTv => TvScale * Math.Sqrt(2 / Math.PI);
}

/// <summary>
/// Chi-square test that two samples come from the same categorical distribution. Categories whose pooled
/// expected count is under 5 are merged into one bin (the usual validity condition for the chi-square
/// approximation); the TV scale uses sd(f₁ − f₂) = sqrt(p(1 − p)(1/n₁ + 1/n₂)) per category.
/// </summary>
public static class HomogeneityTest
{
    public static HomogeneityResult Compare<T>(IReadOnlyDictionary<T, long> first, IReadOnlyDictionary<T, long> second)
        where T : notnull
    {
        var keys = first.Keys.Union(second.Keys).ToList();
        double n1 = first.Values.Sum(), n2 = second.Values.Sum();
        if (n1 == 0 || n2 == 0)
        {
            throw new ArgumentException("both samples must be non-empty.");
        }

        var tv = 0.0;
        var scale = 0.0;
        var bins = new List<(double A, double B)>();
        var other = (A: 0.0, B: 0.0);
        foreach (var key in keys)
        {
            double a = first.GetValueOrDefault(key), b = second.GetValueOrDefault(key);
            tv += 0.5 * Math.Abs((a / n1) - (b / n2));
            var pooled = (a + b) / (n1 + n2);
            scale += 0.5 * Math.Sqrt(pooled * (1 - pooled) * ((1 / n1) + (1 / n2)));
            if (Math.Min(pooled * n1, pooled * n2) < 5)
            {
                other = (other.A + a, other.B + b);
            }
            else
            {
                bins.Add((a, b));
            }
        }

        if (other.A + other.B > 0)
        {
            bins.Add(other);
        }

        if (bins.Count < 2)
        {
            return new HomogeneityResult(1.0, 0, 0, tv, scale);
        }

        var chi = 0.0;
        foreach (var (a, b) in bins)
        {
            var pooled = (a + b) / (n1 + n2);
            chi += Square(a - (pooled * n1)) / (pooled * n1);
            chi += Square(b - (pooled * n2)) / (pooled * n2);
        }

        var df = bins.Count - 1;
        return new HomogeneityResult(1 - ChiSquared.CDF(df, chi), chi, df, tv, scale);
    }

    /// <summary>
    /// The smallest shift of probability between two tokens (base probability ½, the hardest case) that one test at
    /// level <paramref name="alpha"/> detects with probability <paramref name="power"/> when both samples have
    /// <paramref name="samples"/> draws: (z_{1−α/2} + z_power)·sqrt(¼·2/n), the two-proportion z-test (chi-square with one
    /// degree of freedom) on the token that gained.
    /// </summary>
    public static double DetectableShift(int samples, double alpha, double power = 0.8) =>
        (Normal.InvCDF(0, 1, 1 - (alpha / 2)) + Normal.InvCDF(0, 1, power)) * Math.Sqrt(0.25 * 2.0 / samples);

    private static double Square(double x) => x * x;
}
