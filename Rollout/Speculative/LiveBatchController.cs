namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Chooses k (0 = plain decoding) for every verify step from the rows live now. A continuous batch drains as
/// sequences finish, and speculation pays on a small live batch (verification is memory-bound) long before it pays
/// on a full one (compute-bound), so costs are measured online per live-row bucket (1, 2, 3–4, 5–8, …): each
/// speculative step's time is stored as a ratio to a plain step at the same live count (<see cref="PlainStepCurve"/>),
/// and acceptance is shared by all buckets. Each bucket turns its ratios into a <see cref="SpeculationCostModel"/> and
/// picks its best k. Within a bucket: plain decoding is measured three times before any probe; speculation is switched
/// on only once three probes of full k agree it pays; while off, full k is re-probed with exponential back-off
/// (ProbeEvery, 2×, 4× … up to 256 steps in that bucket), and while on, plain decoding is re-measured every ProbeEvery
/// steps. One controller should live as long as the workload (RL generates batch after batch); with Adaptive off it
/// always returns the configured k.
/// </summary>
public sealed class LiveBatchController
{
    private const double Smoothing = 0.2;
    private const int MaxProbeInterval = 256;
    private const int PlainWarmupSteps = 3;
    private const int TrustedProbes = 3;
    private readonly PlainStepCurve _plain = new();
    private readonly Dictionary<int, Bucket> _buckets = [];
    private double? _alpha;

    public LiveBatchController(SpeculationOptions options) => Options = options.Validated();

    public SpeculationOptions Options { get; }

    /// <summary>Running average of the fraction of proposed draft tokens accepted.</summary>
    public double? AcceptanceRate => _alpha;

    /// <summary>Bucket index of a live-row count: 0 for 1 row, 1 for 2, 2 for 3–4, 3 for 5–8, …</summary>
    public static int BucketOf(int live) => live <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(live - 1));

    /// <summary>The smallest and largest live counts of a bucket.</summary>
    public static (int Low, int High) BucketRange(int bucket) => bucket == 0 ? (1, 1) : ((1 << (bucket - 1)) + 1, 1 << bucket);

    public int NextK(int live)
    {
        var max = Options.DraftTokens;
        if (!Options.Adaptive || max == 0)
        {
            return max;
        }

        var bucket = BucketFor(live);
        var (low, high) = BucketRange(BucketOf(live));
        // Plain steps cost nothing extra, so the baseline is measured a few times before any comparison.
        if (_plain.CountBetween(low, high) < PlainWarmupSteps)
        {
            return 0;
        }

        if (!bucket.Ratio[max].HasValue || CostModel(live) is not { } model)
        {
            return max;
        }

        bucket.SinceProbe++;
        // One probe's timing is too noisy to switch on: speculation needs a median over a few probes.
        var trusted = bucket.Ratio[max].Count >= TrustedProbes;
        var best = trusted ? model.BestK(_alpha ?? 0) : 0;
        if (best == 0)
        {
            if (bucket.SinceProbe < bucket.ProbeInterval)
            {
                return 0;
            }

            bucket.SinceProbe = 0;
            if (trusted)
            {
                bucket.ProbeInterval = Math.Min(MaxProbeInterval, bucket.ProbeInterval * 2);
            }

            return max;
        }

        bucket.ProbeInterval = Options.ProbeEvery;
        if (bucket.SinceProbe >= Options.ProbeEvery)
        {
            bucket.SinceProbe = 0;
            return 0;
        }

        return best;
    }

    /// <summary>Records one finished step at <paramref name="live"/> rows: k used, draft tokens proposed/accepted, and its timings.</summary>
    public void Observe(int live, int k, long proposed, long accepted, double draftSeconds, double stepSeconds)
    {
        if (k == 0)
        {
            _plain.Add(live, stepSeconds);
        }
        else if (_plain.At(live) is { } plain && plain > 0)
        {
            var bucket = BucketFor(live);
            bucket.Ratio[Math.Min(k, Options.DraftTokens)].Add((stepSeconds - draftSeconds) / plain);
            // A drafter that found nothing to propose still spent its time looking.
            bucket.DraftPerToken.Add(draftSeconds / k / plain);
        }

        if (proposed > 0)
        {
            _alpha = _alpha is { } old ? ((1 - Smoothing) * old) + (Smoothing * accepted / proposed) : (double)accepted / proposed;
        }
    }

    /// <summary>The cost model at <paramref name="live"/> rows in units of one plain step there, or null until plain
    /// decoding and one k have been measured in its bucket.</summary>
    public SpeculationCostModel? CostModel(int live)
    {
        var bucket = BucketFor(live);
        if (!bucket.DraftPerToken.HasValue)
        {
            return null;
        }

        var verify = new double[Options.DraftTokens + 1];
        verify[0] = 1.0;
        for (var k = 1; k < verify.Length; k++)
        {
            verify[k] = bucket.Ratio[k].HasValue ? bucket.Ratio[k].Value : bucket.Interpolate(k);
        }

        return new SpeculationCostModel(1.0, bucket.DraftPerToken.Value, verify);
    }

    private Bucket BucketFor(int live)
    {
        var index = BucketOf(live);
        if (!_buckets.TryGetValue(index, out var bucket))
        {
            _buckets[index] = bucket = new Bucket(Options.DraftTokens, Options.ProbeEvery);
        }

        return bucket;
    }

    /// <summary>What one live-row bucket has measured: verify cost per k and draft cost per token, as ratios to a plain step.</summary>
    private sealed class Bucket(int maxK, int probeEvery)
    {
        public RollingMedian[] Ratio { get; } = Enumerable.Range(0, maxK + 1).Select(_ => new RollingMedian()).ToArray();

        public RollingMedian DraftPerToken { get; } = new();

        public int SinceProbe { get; set; }

        public int ProbeInterval { get; set; } = probeEvery;

        /// <summary>
        /// Cost of an unmeasured k, erring high: below a measured k, that k's cost (a verify step carries fixed
        /// rejection-sampling overhead that does not shrink with k); above, linear growth through plain (1) and the
        /// largest measured k. Once chosen, a k is measured and its own estimate takes over.
        /// </summary>
        public double Interpolate(int k)
        {
            var measured = Enumerable.Range(1, Ratio.Length - 1).Where(i => Ratio[i].HasValue).ToList();
            if (measured.Count == 0)
            {
                return 1.0;
            }

            var above = measured.Where(i => i > k).ToList();
            if (above.Count > 0)
            {
                return Ratio[above.Min()].Value;
            }

            var largest = measured.Max();
            var slope = Math.Max(0, (Ratio[largest].Value - 1.0) / largest);
            return Ratio[largest].Value + (slope * (k - largest));
        }
    }
}
