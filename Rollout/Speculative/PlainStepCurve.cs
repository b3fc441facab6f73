namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Seconds of a plain decode step as a function of the number of live rows, from rolling lower quartiles
/// (<see cref="RollingTiming"/>) measured at each live count and interpolated linearly between the nearest measured
/// counts. Speculative steps are judged against this curve at their own live count, so a step measured as the batch
/// drains is compared with plain decoding of a batch that size, not of the full batch.
/// </summary>
public sealed class PlainStepCurve
{
    /// <summary>How much faster than the current value a new sample must be to show the slower samples were slowed.</summary>
    private const double Faster = 1.1;

    /// <summary>By live count, ascending. A SortedList, read by index, so the reads every step make no enumerator.</summary>
    private readonly SortedList<int, RollingTiming> _byLive = [];

    /// <summary><see cref="At"/> by live count since the last <see cref="Add"/>: the controller reads it for every sample of
    /// every k it weighs each step (on the tiny policy the controller took 0.7–2.5 % of a rollout's time before this).</summary>
    private readonly Dictionary<int, double?> _at = [];

    /// <summary>
    /// Adds a plain step's time at <paramref name="live"/> rows. Noise only adds time, so a sample clearly faster than the
    /// value there shows that the slower samples were slowed, and they are dropped: where speculation is on, plain
    /// decoding is re-measured one step every 16 to 256, and samples from a slow stretch (a workload's first steps run
    /// 1.5x slow for a whole batch on this CPU) would otherwise outvote the re-measurements for hundreds of steps, making
    /// speculation look better than it is (on the tiny policy a full batch's baseline stayed at 5.6 ms where a plain
    /// step took 3.4, and speculation, 0.83x there, was predicted 1.3x and kept on).
    /// </summary>
    public void Add(int live, double seconds)
    {
        if (!_byLive.TryGetValue(live, out var timing))
        {
            _byLive[live] = timing = new RollingTiming();
        }

        if (timing.HasValue && seconds * Faster < timing.Value)
        {
            timing.DropSlowerThan(seconds * Faster);
        }

        timing.Add(seconds);
        _at.Clear();
    }

    /// <summary>Plain observations at live counts in [low, high].</summary>
    public int CountBetween(int low, int high)
    {
        var count = 0;
        for (var i = 0; i < _byLive.Count; i++)
        {
            var live = _byLive.Keys[i];
            count += live >= low && live <= high ? _byLive.Values[i].Count : 0;
        }

        return count;
    }

    /// <summary>
    /// Estimated plain step seconds at <paramref name="live"/> rows, or null before any measurement: its own value, or
    /// linear between the nearest measured counts, and never above a value measured at more rows. A plain step over fewer
    /// rows costs no more, and a count a draining batch only passes through is measured a few times, right after
    /// speculative steps (which leave the next plain steps 10–20 % slower on the tiny policy): on its own such a value
    /// stays slowed (1.4 ms at 1 row, where a plain step takes 0.6) and makes speculation look better than it is there.
    /// </summary>
    public double? At(int live)
    {
        if (_at.TryGetValue(live, out var known))
        {
            return known;
        }

        // One pass over the measured counts in order.
        RollingTiming? below = null, exact = null, above = null;
        var (belowLive, aboveLive) = (0, 0);
        var cap = double.PositiveInfinity;
        for (var i = 0; i < _byLive.Count; i++)
        {
            var (n, timing) = (_byLive.Keys[i], _byLive.Values[i]);
            if (n < live)
            {
                (below, belowLive) = (timing, n);
            }
            else if (n == live)
            {
                exact = timing;
            }
            else
            {
                (above, aboveLive) = above is null ? (timing, n) : (above, aboveLive);
                cap = Math.Min(cap, timing.Value);
            }
        }

        double? value = (exact, below, above) switch
        {
            (not null, _, _) => exact.Value,
            (_, null, null) => null,
            (_, null, _) => above.Value,
            (_, _, null) => below.Value,
            _ => below.Value + ((above.Value - below.Value) * (live - belowLive) / (aboveLive - belowLive)),
        };
        return _at[live] = value is { } v ? Math.Min(v, cap) : null;
    }
}
