namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Seconds of a plain decode step as a function of the number of live rows, from rolling lower quartiles
/// (<see cref="RollingTiming"/>) measured at each live count and interpolated linearly between the nearest measured
/// counts. Speculative steps are judged against this curve at their own live count, so a step measured as the batch
/// drains is compared with plain decoding of a batch that size, not of the full batch.
/// </summary>
public sealed class PlainStepCurve
{
    private readonly SortedDictionary<int, RollingTiming> _byLive = [];

    public void Add(int live, double seconds)
    {
        if (!_byLive.TryGetValue(live, out var timing))
        {
            _byLive[live] = timing = new RollingTiming();
        }

        timing.Add(seconds);
    }

    /// <summary>Plain observations at live counts in [low, high].</summary>
    public int CountBetween(int low, int high) => _byLive.Where(e => e.Key >= low && e.Key <= high).Sum(e => e.Value.Count);

    /// <summary>Estimated plain step seconds at <paramref name="live"/> rows, or null before any measurement.</summary>
    public double? At(int live)
    {
        if (_byLive.TryGetValue(live, out var exact))
        {
            return exact.Value;
        }

        // Read every step: one pass over the measured counts in order, stopping at the first above.
        RollingTiming? below = null, above = null;
        var (belowLive, aboveLive) = (0, 0);
        foreach (var (n, timing) in _byLive)
        {
            if (n < live)
            {
                (below, belowLive) = (timing, n);
            }
            else
            {
                (above, aboveLive) = (timing, n);
                break;
            }
        }

        return (below, above) switch
        {
            (null, null) => null,
            (null, _) => above.Value,
            (_, null) => below.Value,
            _ => below.Value + ((above.Value - below.Value) * (live - belowLive) / (aboveLive - belowLive)),
        };
    }
}
