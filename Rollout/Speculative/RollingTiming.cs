namespace RlSpec.Rollout.Speculative;

/// <summary>
/// A low quantile (by default the lower quartile) of the last few step timings. On a shared machine noise only ever
/// adds time: JIT and allocation in a workload's first steps, GC, a neighbour's burst. A median still follows noise
/// that hits half the samples, and a plain baseline re-measured only now and then keeps such samples for many steps;
/// the lower quartile stays at what the step really costs unless most samples were slowed. Each sample keeps the live
/// count it was taken at and the baseline then, so it can be read relative to a baseline that has moved since
/// (<see cref="Relative"/>).
/// Read every decode step, so a reading allocates nothing: a ring of samples, a quantile over a stack copy, and the
/// plain value cached until the next sample (on the tiny policy a step takes well under a millisecond, and the
/// controller's decision showed up at up to 3 % of it).
/// </summary>
public sealed class RollingTiming(int window = 9, double quantile = 0.25)
{
    private readonly (int Live, double Seconds, double Baseline)[] _samples = window is >= 1 and <= 64
        ? new (int, double, double)[window]
        : throw new ArgumentOutOfRangeException(nameof(window), window, "a window of 1 to 64 samples (read through the stack)");
    private int _next;
    private double? _value;

    public bool HasValue => Count > 0;

    public int Count { get; private set; }

    public double Value => _value ??= Relative(_ => 1.0);

    /// <param name="seconds">The step's time.</param>
    /// <param name="live">Live rows it ran on.</param>
    /// <param name="baseline">What it is compared with, as it stood when it ran (0: none, see <see cref="Relative"/>).</param>
    public void Add(double seconds, int live = 0, double baseline = 0)
    {
        _samples[_next] = (live, seconds, baseline);
        _next = (_next + 1) % _samples.Length;
        Count = Math.Min(Count + 1, _samples.Length);
        _value = null;
    }

    /// <summary>Drops the samples slower than <paramref name="seconds"/>, keeping the others in order.</summary>
    public void DropSlowerThan(double seconds)
    {
        var kept = Enumerable.Range(0, Count)
            .Select(i => _samples[(Count < _samples.Length ? i : _next + i) % _samples.Length])
            .Where(sample => sample.Seconds <= seconds)
            .ToArray();
        kept.CopyTo(_samples, 0);
        Count = kept.Length;
        _next = Count % _samples.Length;
        _value = null;
    }

    /// <summary>
    /// The quantile of each sample divided by the faster of <paramref name="baseline"/> at its live count read now and
    /// the baseline it was added with. Noise only adds time, so the faster is nearer the truth either way: a speculative
    /// step timed while the plain baseline was still slowed by the first steps is judged against the baseline as it
    /// stands, and one timed before a slow stretch is not made to look cheap by the plain steps that stretch slowed (on
    /// the tiny policy a full batch's plain baseline rose from 3.3 to 4.5–6.1 ms in such stretches, and speculation,
    /// which runs there at 0.83x, was predicted 1.04–1.19x and switched on).
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
            var (live, seconds, then) = _samples[i];
            var now = baseline(live);
            values[i] = seconds / (then > 0 ? Math.Min(then, now) : now);
        }

        values.Sort();
        return values[(int)Math.Floor(quantile * (Count - 1))];
    }
}
