namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Chooses k (0 = plain decoding) for every verify step from the rows live now. A continuous batch drains as
/// sequences finish, and speculation pays on a small live batch (verification is memory-bound) long before it pays
/// on a full one (compute-bound), so costs are measured online per live-row bucket (1, 2, 3–4, 5–8, …): each
/// speculative step's time is stored as a ratio to a plain step at the same live count (<see cref="PlainStepCurve"/>),
/// and acceptance, by draft position (<see cref="AcceptanceByPosition"/>), is shared by all buckets. Each bucket turns
/// its ratios into a <see cref="SpeculationCostModel"/> and picks its best k. Within a bucket: plain decoding is
/// measured three times before any probe; a probe speculates at full k for two steps and only the second is measured
/// (the first pays the drafter's catch-up on the plain steps); speculation is switched on once three probes agree it
/// pays, or one says so clearly. While off, full k is re-probed with exponential back-off (ProbeEvery, 2×, 4× … up to
/// 256 steps in that bucket); while on, plain decoding is re-measured every ProbeEvery steps. A bucket that has not
/// decided yet speculates at once (after one plain step for its baseline) where a fuller bucket found that it pays, since
/// verifying k drafts only gets cheaper relative to a plain step as the batch drains. One controller should live as
/// long as the workload (RL generates batch after batch); with Adaptive off it always returns the configured k.
/// </summary>
public sealed class LiveBatchController
{
    private const int MaxProbeInterval = 256;
    private const int PlainWarmupSteps = 3;
    private const int TrustedProbes = 3;
    private const double ClearLoss = 0.75;
    private const double ClearWin = 1.3;
    private readonly PlainStepCurve _plain = new();
    private readonly Dictionary<int, Bucket> _buckets = [];
    private readonly AcceptanceByPosition _acceptance;
    private int? _timeNext;
    private bool _timingProbe;

    public LiveBatchController(SpeculationOptions options)
    {
        Options = options.Validated();
        _acceptance = new AcceptanceByPosition(Options.DraftTokens);
    }

    public SpeculationOptions Options { get; }

    /// <summary>
    /// How many unseen positions per row a hidden-state drafter reads if the step just chosen resumes speculation: the
    /// configured window, or 1 for a probe that only re-times a bucket where speculation is off (acceptance is known
    /// from steadier steps by then, so the probe's drafts need no context worth a long catch-up).
    /// </summary>
    public int ResumeWindow => _timingProbe ? 1 : Options.ResumeWindow;

    /// <summary>Expected tokens per verify step with k drafts, from the acceptance measured so far by draft position.</summary>
    public double ExpectedTokens(int k) => _acceptance.ExpectedTokens(k);

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

        if (_timeNext is { } again)
        {
            _timeNext = null;
            return again;
        }

        _timingProbe = false;

        var index = BucketOf(live);
        var bucket = BucketFor(live);
        var (low, high) = BucketRange(index);
        var plainSteps = _plain.CountBetween(low, high);
        var model = CostModel(live);
        var trusted = model is not null && IsTrusted(bucket, model);
        // A fuller batch measured that speculation pays, and verifying k drafts only gets cheaper relative to a plain step
        // as the batch drains: speculate at once (one plain step first, to time this bucket's baseline) until this
        // bucket's own probes are trusted, rather than spend the short draining phase re-learning it.
        if (!trusted && plainSteps > 0 && PaysOnAFullerBatch(index))
        {
            return max;
        }

        // Plain steps cost nothing extra, so the baseline is measured a few times before any comparison.
        if (!trusted && plainSteps < PlainWarmupSteps)
        {
            return 0;
        }

        if (model is null)
        {
            return Probe(max);
        }

        bucket.SinceProbe++;
        var best = trusted ? model.BestK(_acceptance.ExpectedTokens) : 0;
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

            return Probe(max);
        }

        bucket.ProbeInterval = Options.ProbeEvery;
        if (bucket.SinceProbe >= Options.ProbeEvery)
        {
            bucket.SinceProbe = 0;
            return 0;
        }

        return best;
    }

    /// <summary>
    /// Records one finished step at <paramref name="live"/> rows: k used, per row the drafts proposed and accepted, and its
    /// timings. A step that <paramref name="resumed"/> speculation after plain steps is not steady speculation: it paid the
    /// drafter's catch-up on them instead of its per-step reading, and drafted from a context with a gap (see
    /// <see cref="SpeculationOptions.ResumeWindow"/>), so neither its timing nor its acceptance is kept; the next step
    /// speculates again with the same k to be measured (its acceptance too, unless it is a timing-only probe).
    /// </summary>
    public void Observe(int live, int k, IReadOnlyList<int> proposed, IReadOnlyList<int> accepted, double draftSeconds, double stepSeconds, bool resumed = false)
    {
        if (k > 0 && resumed)
        {
            _timeNext = k;
            return;
        }

        if (!_timingProbe)
        {
            _acceptance.Observe(proposed, accepted);
        }

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

    /// <summary>Full k, as a timing-only probe once acceptance has been measured (see <see cref="ResumeWindow"/>).</summary>
    private int Probe(int max)
    {
        _timingProbe = _acceptance.HasValue;
        return max;
    }

    /// <summary>
    /// One probe's timing is too noisy to decide near break-even: that needs a median over a few probes. One that wins or
    /// loses clearly (predicted far from plain at full k) is enough; the steps that follow keep measuring either way.
    /// </summary>
    private bool IsTrusted(Bucket bucket, SpeculationCostModel model) =>
        bucket.Ratio[Options.DraftTokens].Count >= TrustedProbes || model.Speedup(_acceptance.ExpectedTokens, Options.DraftTokens) is < ClearLoss or > ClearWin;

    /// <summary>Whether some fuller bucket's trusted measurements say speculation pays there.</summary>
    private bool PaysOnAFullerBatch(int index) => _buckets.Any(b =>
        b.Key > index && CostModel(BucketRange(b.Key).High) is { } model && IsTrusted(b.Value, model) && model.BestK(_acceptance.ExpectedTokens) > 0);

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
