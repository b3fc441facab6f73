namespace RlSpec.Rollout.Speculative;

/// <summary>
/// A low quantile (by default the lower quartile) of the last few step timings. On a shared machine noise only ever
/// adds time: JIT and allocation in a workload's first steps, GC, a neighbour's burst. A median still follows noise
/// that hits half the samples, and a plain baseline re-measured only now and then keeps such samples for many steps;
/// the lower quartile stays at what the step really costs unless most samples were slowed. Each sample keeps the live
/// count it was taken at, so it can be read relative to a baseline known only later (<see cref="Relative"/>).
/// </summary>
public sealed class RollingTiming(int window = 9, double quantile = 0.25)
{
    private readonly Queue<(int Live, double Seconds)> _samples = new();

    public bool HasValue => _samples.Count > 0;

    public int Count => _samples.Count;

    public double Value => Quantile(_samples.Select(s => s.Seconds));

    public void Add(double seconds, int live = 0)
    {
        _samples.Enqueue((live, seconds));
        if (_samples.Count > window)
        {
            _samples.Dequeue();
        }
    }

    /// <summary>
    /// The quantile of each sample divided by <paramref name="baseline"/> at its live count, read now: a speculative step
    /// timed while the plain baseline was still slowed by the first steps is judged against the baseline as it stands.
    /// </summary>
    public double Relative(Func<int, double> baseline) => Quantile(_samples.Select(s => s.Seconds / baseline(s.Live)));

    private double Quantile(IEnumerable<double> values) => _samples.Count == 0
        ? throw new InvalidOperationException("no observations yet")
        : values.Order().ElementAt((int)Math.Floor(quantile * (_samples.Count - 1)));
}
