using System.Globalization;

namespace RlSpec.Trainer.Reports;

/// <summary>Mean and sample standard deviation of a quantity over runs (NaN values, i.e. not measured, are left out).</summary>
public readonly record struct MeanSd(double Mean, double Sd, int N)
{
    public static MeanSd Of(IEnumerable<double> values)
    {
        var xs = values.Where(v => !double.IsNaN(v)).ToArray();
        if (xs.Length == 0)
        {
            return new MeanSd(double.NaN, double.NaN, 0);
        }

        var mean = xs.Average();
        var sd = xs.Length > 1 ? Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Length - 1)) : 0;
        return new MeanSd(mean, sd, xs.Length);
    }

    /// <summary>"0.412 ± 0.011" over several runs, "0.412" for one, "–" for none.</summary>
    public string Format(string format = "F3") => N switch
    {
        0 => "–",
        1 => Mean.ToString(format, CultureInfo.InvariantCulture),
        _ => $"{Mean.ToString(format, CultureInfo.InvariantCulture)} ± {Sd.ToString(format, CultureInfo.InvariantCulture)}",
    };
}
