namespace RlSpec.Rollout.Speculative;

/// <summary>
/// A low quantile (by default the lower quartile) of the last few step timings. On a shared machine noise only ever
/// adds time: JIT and allocation in a workload's first steps, GC, a neighbour's burst. A median still follows noise
/// that hits half the samples, and a plain baseline re-measured only now and then keeps such samples for many steps;
/// the lower quartile stays at what the step really costs unless most samples were slowed. Each sample keeps the live
/// count it was taken at, so it can be read relative to a baseline known only later (<see cref="Relative"/>).
/// Read every decode step, so a reading allocates nothing: a ring of samples, a quantile over a stack copy, and the
/// plain value cached until the next sample (on the tiny policy a step takes well under a millisecond, and the
/// controller's decision showed up at up to 3 % of it).
/// </summary>
public sealed class RollingTiming(int window = 9, double quantile = 0.25)
{
    private readonly (int Live, double Seconds)[] _samples = window is >= 1 and <= 64
        ? new (int, double)[window]
        : throw new ArgumentOutOfRangeException(nameof(window), window, "a window of 1 to 64 samples (read through the stack)");
    private int _next;
    private double? _value;

    public bool HasValue => Count > 0;

    public int Count { get; private set; }

    public double Value => _value ??= Relative(_ => 1.0);

    public void Add(double seconds, int live = 0)
    {
        _samples[_next] = (live, seconds);
        _next = (_next + 1) % _samples.Length;
        Count = Math.Min(Count + 1, _samples.Length);
        _value = null;
    }

    /// <summary>
    /// The quantile of each sample divided by <paramref name="baseline"/> at its live count, read now: a speculative step
    /// timed while the plain baseline was still slowed by the first steps is judged against the baseline as it stands.
    /// </summary>
    public double Relative(Func<int, double> baseline)
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("no observations yet");
        }

        Span<double> values = stackalloc double[Count];
        for (var i = 0; i < Count; i++)
        {
            values[i] = _samples[i].Seconds / baseline(_samples[i].Live);
        }

        values.Sort();
        return values[(int)Math.Floor(quantile * (Count - 1))];
    }
}
