namespace RlSpec.Drafter.Drafting;

/// <summary>
/// Mean of per-step losses (one value per head or draft step) over each logging window of a training loop: every
/// <c>every</c> steps and at the last of <c>total</c>, the window closes, its mean becomes <see cref="Last"/> and a new one starts.
/// </summary>
public sealed class LossWindow(int width, int every, int total, double initial = 0)
{
    private double[] _sum = new double[width];
    private int _count;

    /// <summary>Mean of the last closed window (<c>initial</c> in every slot before the first closes).</summary>
    public double[] Last { get; private set; } = Enumerable.Repeat(initial, width).ToArray();

    /// <summary>Adds 0-based step <paramref name="step"/>'s values; returns the window's mean when the step closes it, else null.</summary>
    public double[]? Add(int step, IReadOnlyList<double> values)
    {
        for (var i = 0; i < width; i++)
        {
            _sum[i] += values[i];
        }

        _count++;
        if ((step + 1) % every != 0 && step + 1 != total)
        {
            return null;
        }

        Last = _sum.Select(s => s / _count).ToArray();
        (_sum, _count) = (new double[width], 0);
        return Last;
    }
}
