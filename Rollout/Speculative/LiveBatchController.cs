namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Chooses k (0 = plain decoding) for every verify step from the rows live now. A continuous batch drains as
/// sequences finish, and speculation pays on a small live batch (verification is memory-bound) long before it pays
/// on a full one (compute-bound), so costs are measured online per live-row bucket (1, 2, 3–4, 5–8, …): each
/// speculative step's time (drafting and verifying) is read as a ratio to a plain step at the same live count
/// (<see cref="PlainStepCurve"/>), and the share of confirmed tokens rows keep (<see cref="KeptTokens"/>) is shared by
/// all buckets. Acceptance is what the rows live now are expected to reach: the estimate by draft position learnt from
/// every row (<see cref="AcceptanceByPosition"/>), which is all a row that has not speculated yet has, scaled per row by
/// how its own drafts fared against it (<see cref="RowAcceptance"/>). The rows left when a batch drains are not a random
/// sample: they are its longest, and on the tiny policy's arithmetic they accept 1.5–2.8 tokens a step where the batch
/// averages 4.3, so the shared estimate alone predicted 1.1–1.5x where the draining steps ran 0.4–0.9x. Each bucket turns
/// its ratios into a <see cref="SpeculationCostModel"/> and picks its best k; switching speculation on must also repay the
/// drafter's catch-up (<see cref="ResumePays"/>). Timings are lower quartiles of the last few (<see cref="RollingTiming"/>),
/// and ratios are taken when a decision is made, against the faster of the plain baseline then and when each step ran.
/// Within a bucket: plain decoding is measured three times before any probe; a probe speculates at full k for two
/// steps and only the second is measured (the first pays the drafter's catch-up on the plain steps), or, once
/// acceptance is known, for one timed step that catches up a single position (a timing-only probe); speculation is
/// switched on once three probes agree it pays, or two say so clearly. While off, full k is re-probed, and while on
/// plain decoding is re-measured (four steps, of which only the fourth is measured) or, below full k, full k is tried,
/// with exponential back-off: ProbeEvery steps in that bucket, 2×, 4× … up to 256, from ProbeEvery again when the
/// verdict changes; where a trusted verdict is that full k loses, probes are also spaced so they cost at most 2 % of the time
/// (<see cref="LosingProbeGap"/>), and no bucket probes or borrows a fuller bucket's verdict while speculation has lost, in
/// all, more than 2 % of the time observed and ten average steps (<see cref="ExplorationAffordable"/>). Steady
/// speculative steps all measure acceptance, so a drafter that drifts is seen at once. A bucket that has not decided yet
/// speculates at once (after one plain step for its baseline) where a fuller bucket found that it pays, since verifying
/// k drafts only gets cheaper relative to a plain step as the batch drains. One controller should live as long as the
/// workload (RL generates batch after batch); with Adaptive off it always returns the configured k.
/// </summary>
public sealed class LiveBatchController
{
    private const int MaxProbeInterval = 256;
    private const int PlainWarmupSteps = 3;
    private const int TrustedProbes = 3;
    private const int ClearProbes = 2;
    private const double ClearLoss = 0.75;
    private const double ClearWin = 1.3;

    /// <summary>
    /// Plain steps a re-measurement of plain decoding (while speculating) runs before the one it keeps. On the tiny policy
    /// at 60–64 rows, with speculation forced every 40 steps, the lower quartiles of the first four plain steps after it
    /// were +13, +7, +4 and +0 % of the later ones'. A re-measurement that kept the second (as this controller did) read
    /// plain decoding about 7 % slow, and while speculation is on re-measurements are all the plain samples a bucket
    /// gets: logged, the full batch's baseline read 6.0–9.1 ms where steady plain steps took 5.6, and speculation was
    /// predicted 1.05–1.49x where fixed k ran 0.81–0.97x (`experiments/speculative-rollouts/results/settle/`). Outside
    /// re-measurements only the first plain step after speculation is dropped: a draining bucket passed through in a few
    /// dozen steps needs its plain samples, and dropping three there measured no better.
    /// </summary>
    private const int RemeasureSettleSteps = 3;

    /// <summary>At most this share of a bucket's steps' worth of time goes to probing speculation where it is predicted to
    /// lose, and at most this share of all the time observed goes to speculation that did not pay for itself before a
    /// probe may add to it (<see cref="ExplorationAffordable"/>).</summary>
    private const double ProbeShare = 0.02;

    /// <summary>Average steps' worth of time speculation may lose before <see cref="ProbeShare"/> of the time observed
    /// limits exploring: enough for a second probe after one slowed by a burst (which alone predicts a clear loss), so
    /// one unlucky probe does not hold back for hundreds of steps the probes that show speculation pays.</summary>
    private const double ExplorationAllowance = 10;

    /// <summary>The first probe's steps (its resume and its measured step), which <see cref="ExplorationAffordable"/> does not
    /// charge: the process's first speculative step pays one-off costs no decision can avoid (on the deep preset 328 ms
    /// where later ones took 52–66 ms, 13 plain steps' worth lost at once), and every controller must probe once.</summary>
    private const int FreeSpeculativeSteps = 2;

    /// <summary>Steps over which what speculation lost or saved is forgotten (exponentially): the controller outlives many
    /// batches while the policy and its drafter train, so a surplus or a deficit from thousands of steps ago says little
    /// of exploring now, and a deficit left by a drafter that drifted should not hold probes back for good.</summary>
    private const double LedgerSteps = 8192;

    /// <summary>A row's own counts decay by this much per step of that row (<see cref="RowAcceptance"/>), so they follow its latest drafts.</summary>
    private const double RowDecay = 0.2;

    /// <summary>Drafts' worth of the shared estimate a row's own acceptance is shrunk towards (<see cref="RowAcceptance"/>).</summary>
    private const double RowPriorDrafts = 3;
    private readonly PlainStepCurve _plain = new();
    private readonly Dictionary<int, Bucket> _buckets = [];
    private readonly AcceptanceByPosition _acceptance;
    private readonly KeptTokens _kept = new();

    /// <summary>Steps that resumed speculation after a plain stretch of at least the resume window (a full catch-up), in
    /// seconds with the plain baseline then.</summary>
    private readonly RollingTiming _fullResumes = new();

    /// <summary>Expected tokens per live row and verify step by k, for the rows of the step being decided (see <see cref="NextK"/>).</summary>
    private readonly double[] _liveTokens;
    private readonly Func<int, double> _liveTokensAt;
    private int? _timeNext;
    private bool _warmingPlain;
    private int _lastK;

    /// <summary>Plain steps observed since the last speculative one: the positions a resume now would catch up (up to the window).</summary>
    private int _plainRun;
    private bool _timingProbe;

    /// <summary>Seconds speculative steps saved against plain decoding of the tokens they kept (negative where they lost),
    /// the seconds and the count of all steps observed, each decaying over <see cref="LedgerSteps"/> (see <see
    /// cref="ExplorationAffordable"/>).</summary>
    private double _netSaved;
    private double _elapsed;
    private double _steps;
    private int _speculativeSteps;

    public LiveBatchController(SpeculationOptions options)
    {
        Options = options.Validated();
        _acceptance = new AcceptanceByPosition(Options.DraftTokens);
        _liveTokens = new double[Options.DraftTokens + 1];
        _liveTokensAt = k => _liveTokens[k];
    }

    public SpeculationOptions Options { get; }

    /// <summary>
    /// How many unseen positions per row a hidden-state drafter reads if the step just chosen resumes speculation: the
    /// configured window, or 1 for a probe that only re-times a bucket where speculation is off (acceptance is known
    /// from steadier steps by then, so the probe's drafts need no context worth a long catch-up).
    /// </summary>
    public int ResumeWindow => _timingProbe ? 1 : Options.ResumeWindow;

    /// <summary>
    /// Expected tokens a row keeps per verify step with k drafts, for a row with no acceptance of its own yet: from the
    /// acceptance measured so far by draft position, times the fraction of confirmed tokens rows kept (<see cref="KeptTokens"/>).
    /// </summary>
    public double ExpectedTokens(int k) => k == 0 ? 1.0 : _acceptance.ExpectedTokens(k) * _kept.Fraction;

    /// <summary>A row's own acceptance: the decoder keeps one per live row, passes each verify step of the row to
    /// <see cref="ObserveRow"/>, and the live rows' to <see cref="NextK"/>.</summary>
    public RowAcceptance NewRowAcceptance() => new(RowDecay, RowPriorDrafts);

    /// <summary>
    /// One verify step of a row: it proposed <paramref name="proposed"/> drafts and the first <paramref name="accepted"/>
    /// were accepted. A timing-only probe's step is not learnt from: it caught up one position per row, and speculation
    /// switched on resumes with <see cref="SpeculationOptions.ResumeWindow"/>, so its drafts say little of what the row
    /// would accept then (learning from them kept speculation off on the chain task, where it runs 1.5x: every probe
    /// found its rows accepting less, which kept it off, so the next probe was timing-only too).
    /// </summary>
    public void ObserveRow(RowAcceptance row, int proposed, int accepted)
    {
        // Before any draft was judged the shared estimate expects none, and a row compared with it would look many times better.
        if (proposed > 0 && !_timingProbe && _acceptance.HasValue)
        {
            row.Observe(accepted, _acceptance.ExpectedTokens(proposed) - 1);
        }
    }

    /// <summary>Bucket index of a live-row count: 0 for 1 row, 1 for 2, 2 for 3–4, 3 for 5–8, …</summary>
    public static int BucketOf(int live) => live <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(live - 1));

    /// <summary>The smallest and largest live counts of a bucket.</summary>
    public static (int Low, int High) BucketRange(int bucket) => bucket == 0 ? (1, 1) : ((1 << (bucket - 1)) + 1, 1 << bucket);

    /// <summary>k for the next step over <paramref name="live"/> rows, whose own acceptance estimates are
    /// <paramref name="rows"/> (null: the shared estimate stands for every row).</summary>
    public int NextK(int live, IReadOnlyList<RowAcceptance>? rows = null)
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
        MixLiveTokens(rows);

        var index = BucketOf(live);
        var bucket = BucketFor(live);
        var (low, high) = BucketRange(index);
        var plainSteps = _plain.CountBetween(low, high);
        var model = CostModel(live);
        var trusted = model is not null && IsTrusted(bucket, model);
        // A fuller batch measured that speculation pays, and verifying k drafts only gets cheaper relative to a plain step
        // as the batch drains: speculate at once (one plain step first, to time this bucket's baseline) until this
        // bucket's own probes are trusted, rather than spend the short draining phase re-learning it.
        if (!trusted && plainSteps > 0 && ExplorationAffordable && BorrowedK(index) is > 0 and var borrowed)
        {
            return borrowed;
        }

        // Plain steps cost nothing extra, so the baseline is measured a few times before any comparison.
        if (!trusted && plainSteps < PlainWarmupSteps)
        {
            return 0;
        }

        if (model is null)
        {
            return ExplorationAffordable ? Probe(max) : 0;
        }

        bucket.SinceProbe++;
        var best = trusted ? model.BestK(_liveTokensAt) : 0;
        if (best > 0 && _lastK == 0 && !ResumePays(model, best))
        {
            best = 0;
        }

        if ((best > 0) != bucket.Speculating)
        {
            // The verdict changed: check the other side again ProbeEvery steps from now.
            bucket.Speculating = best > 0;
            bucket.ProbeInterval = Options.ProbeEvery;
            bucket.SinceProbe = 0;
        }

        if (bucket.SinceProbe < Math.Max(bucket.ProbeInterval, trusted && best == 0 ? LosingProbeGap(model, max) : 0))
        {
            return best;
        }

        // A probe due where speculation is off waits, its interval kept, until the time speculation has lost allows it.
        if (best == 0 && !ExplorationAffordable)
        {
            return 0;
        }

        // A trusted verdict is checked less and less often: each check costs steps on the losing side (a probe where
        // speculation is off, plain steps where it pays: at batch 1 a plain step yields a third of a speculative one).
        bucket.SinceProbe = 0;
        if (trusted)
        {
            bucket.ProbeInterval = Math.Min(MaxProbeInterval, bucket.ProbeInterval * 2);
        }

        if (best == 0)
        {
            return Probe(max);
        }

        // Speculating below full k, every other check speculates at full k instead: a step that continues speculation has
        // no gap in the drafter's context, so it measures the later draft positions' acceptance and full k's cost, which
        // the steps at the smaller k cannot (an early, noisy estimate would otherwise hold k down for good).
        if (best < max && bucket.Checks++ % 2 == 1)
        {
            return max;
        }

        _warmingPlain = true;
        return 0;
    }

    /// <summary>
    /// A new batch of work starts: a step it was to repeat (the measured step after a resume, the kept one of a plain
    /// re-measurement) belonged to the last batch's rows and live count, so it is dropped; what was measured stays.
    /// </summary>
    public void BeginRun()
    {
        _lastK = 0;
        _timeNext = null;
        _warmingPlain = false;
        _timingProbe = false;
    }

    /// <summary>
    /// Records one finished step at <paramref name="live"/> rows: k used, per row the drafts proposed and accepted, and its
    /// timing, and the tokens its rows kept (<paramref name="emitted"/>; null = all it confirmed). A speculative step's
    /// timing includes the drafter's work on rows admitted since the last one. Rows whose drafting context has a gap
    /// (<paramref name="gapped"/>: the drafter skipped older positions when speculation resumed) do not count towards
    /// the shared acceptance, the one rows admitted later start from: after a timing-only probe every live row has one,
    /// and learning from them would hold the estimate below what steady speculation reaches (rows admitted while
    /// speculating have none), which can switch speculation off where it pays and keep it off behind the back-off. Their
    /// own estimates do learn from them: the gap stays with the row until it ends. A step that <paramref name="resumed"/>
    /// speculation after plain steps is not steady speculation: it paid the drafter's catch-up on them instead of its
    /// per-step reading, and drafted from a context with a gap (see <see cref="SpeculationOptions.ResumeWindow"/>), so its
    /// timing is kept apart (after a plain stretch as long as the window, as what a full catch-up costs: <see
    /// cref="ResumePays"/>), its acceptance is not shared, and the next step speculates again with the same k to be measured;
    /// a timing-only probe, which catches up a single position, is timed on its own step (its acceptance is not kept).
    /// </summary>
    public void Observe(int live, int k, IReadOnlyList<int> proposed, IReadOnlyList<int> accepted, double stepSeconds, bool resumed = false, long? emitted = null,
        IReadOnlyList<bool>? gapped = null)
    {
        var afterSpeculation = _lastK > 0;
        var plainRun = _plainRun;
        (_lastK, _plainRun) = (k, k == 0 ? _plainRun + 1 : 0);
        const double keep = 1 - (1 / LedgerSteps);
        (_netSaved, _elapsed, _steps) = (_netSaved * keep, (_elapsed * keep) + stepSeconds, (_steps * keep) + 1);
        _speculativeSteps += k > 0 ? 1 : 0;
        var confirmed = k > 0 ? live + proposed.Zip(accepted, Math.Min).Sum() : 0;
        if (k > 0 && _speculativeSteps > FreeSpeculativeSteps && _plain.At(live) is > 0 and var plainStep)
        {
            // Every later speculative step counts, the resumes' catch-ups included: what exploring has cost is what it took.
            _netSaved += (plainStep * (emitted ?? confirmed) / live) - stepSeconds;
        }

        // A timing-only probe reads one position per row to resume, about what a steady step reads, so its own step is
        // timed: one speculative step per probe where speculation loses, not two.
        if (k > 0 && resumed && !_timingProbe)
        {
            if (plainRun >= Options.ResumeWindow && _plain.At(live) is > 0 and var plain)
            {
                _fullResumes.Add(stepSeconds, live, plain);
            }

            _timeNext = k;
            return;
        }

        // The first plain step after speculation runs slower (on the tiny policy 10–20 % at 33–64 rows, the next two 3–7 %),
        // so it is never kept (below). While speculation is on, a re-measurement is the only plain sample a bucket gets,
        // so it waits until speculation no longer slows it (RemeasureSettleSteps).
        if (k == 0 && _warmingPlain)
        {
            _warmingPlain = plainRun + 1 < RemeasureSettleSteps;
            _timeNext = 0;
            return;
        }

        if (!_timingProbe)
        {
            _acceptance.Observe(gapped is null ? proposed : [.. proposed.Select((c, b) => gapped[b] ? 0 : c)], accepted);
        }

        if (k > 0)
        {
            _kept.Observe(confirmed, emitted ?? confirmed);
        }

        if (k == 0)
        {
            if (!afterSpeculation)
            {
                _plain.Add(live, stepSeconds);
            }
        }
        else if (_plain.At(live) is > 0 and var baseline)
        {
            // Kept in seconds with the plain baseline as it stands, and read relative to the faster of that and the baseline
            // when a decision is made (see RollingTiming.Relative).
            // Drafting stays in: what it costs per step does not scale with k (reading the committed positions), so a
            // per-token draft cost measured at one k would mislead at another.
            BucketFor(live).Step[Math.Min(k, Options.DraftTokens)].Add(stepSeconds, live, baseline);
        }
    }

    /// <summary>The cost model at <paramref name="live"/> rows in units of one plain step there, or null until plain
    /// decoding and one k have been measured in its bucket.</summary>
    public SpeculationCostModel? CostModel(int live)
    {
        var bucket = BucketFor(live);
        if (!bucket.Step.Any(t => t.HasValue))
        {
            return null;
        }

        // Every speculative sample was taken after some plain step, so the curve has a value at its live count.
        var measured = bucket.Step.Select(t => t.HasValue ? t.Relative(at => _plain.At(at)!.Value) : (double?)null).ToArray();
        var steps = new double[Options.DraftTokens + 1];
        steps[0] = 1.0;
        for (var k = 1; k < steps.Length; k++)
        {
            steps[k] = measured[k] ?? Bucket.Interpolate(measured, k);
        }

        return new SpeculationCostModel(1.0, steps);
    }

    /// <summary>
    /// Whether switching speculation on at k pays for the drafter's catch-up on the plain steps it missed. Steps that
    /// resumed after a plain stretch as long as the window are timed, and what they took beyond a steady step at k (both
    /// in plain steps at their live count) is a full catch-up; a resume now is charged the share of the window it would
    /// read (a four-step re-measurement of plain decoding 4/32, a long plain stretch all of it). Speculating saves
    /// τ(k) − cost(k) plain steps a step, and is held at least ProbeEvery steps before its verdict is checked. On the tiny
    /// policy a resume reads up to ResumeWindow positions per row with a head that costs a third of the policy per
    /// position: resumed steps took 15–40 ms at 17–64 rows, where a plain step takes 2–3.5 ms, and near break-even
    /// (predicted 1.1x) each switch-on in a draining batch cost more than its few speculative steps could save. A
    /// timing-only probe is not gated: speculation that goes on after it has nothing left to catch up.
    /// </summary>
    private bool ResumePays(SpeculationCostModel model, int k)
    {
        if (!_fullResumes.HasValue)
        {
            return true;
        }

        var full = Math.Max(0, _fullResumes.Relative(at => _plain.At(at)!.Value) - model.StepSeconds[k]);
        var caughtUp = (double)Math.Clamp(_plainRun, 1, Options.ResumeWindow) / Options.ResumeWindow;
        return (_liveTokens[k] - model.StepSeconds[k]) * Options.ProbeEvery > full * caughtUp;
    }

    /// <summary>Fills <see cref="_liveTokens"/> for <paramref name="rows"/> (read every step: no allocation).</summary>
    private void MixLiveTokens(IReadOnlyList<RowAcceptance>? rows)
    {
        for (var k = 0; k < _liveTokens.Length; k++)
        {
            if (k == 0 || rows is not { Count: > 0 })
            {
                _liveTokens[k] = ExpectedTokens(k);
                continue;
            }

            var (shared, sum) = (_acceptance.ExpectedTokens(k), 0.0);
            for (var b = 0; b < rows.Count; b++)
            {
                sum += rows[b].ExpectedTokens(shared, k);
            }

            _liveTokens[k] = sum / rows.Count * _kept.Fraction;
        }
    }

    /// <summary>
    /// Plain steps between probes of full k where a trusted verdict is that it loses: each is charged what full k's step
    /// costs beyond a plain step (not net of the tokens it emits, so near break-even probes are spaced more than the
    /// share needs), and is spaced so that costs at most <see cref="ProbeShare"/> of the plain time between probes. On the
    /// tiny policy a probe at 64 rows costs about 4 plain steps more (a gap of 200 steps instead of the back-off's 32, 64 …)
    /// and at 9–24 rows about 3 (150 steps, where a draining bucket sees some 40 a batch). Only once trusted: until then
    /// one probe slowed by a burst would hold back the probes that show speculation pays. Where full k is predicted to
    /// pay the back-off alone spaces the checks, and a cheap probe (a verify little dearer than a plain step, as at 1 live
    /// row) stays frequent.
    /// </summary>
    private int LosingProbeGap(SpeculationCostModel model, int max) =>
        model.Speedup(_liveTokensAt, max) >= 1 ? 0 : (int)Math.Ceiling(Math.Max(0, model.StepSeconds[max] - 1) / ProbeShare);

    /// <summary>
    /// Whether a probe (or a step borrowed from a fuller bucket's verdict) may speculate now: only while what speculation
    /// has lost in all, against plain decoding of the tokens its steps kept, stays within <see cref="ProbeShare"/> of the
    /// time observed. Per bucket, probes are spaced once a verdict is trusted (<see cref="LosingProbeGap"/>), but each
    /// bucket needs several probes to be trusted, and a draining bucket is passed through in a few dozen steps a batch: on
    /// the tiny policy, where speculation loses at every live count, probes after a plain stretch took 22–55 ms at 64
    /// rows where a plain step takes 3–4 ms (the drafter's catch-up and a verify of 5 positions), and they added up
    /// (`experiments/speculative-rollouts/results/budget/`). Where speculation pays, its steps fund the probes.
    /// </summary>
    private bool ExplorationAffordable => _steps <= 0 || _netSaved + (ProbeShare * _elapsed) + (ExplorationAllowance * _elapsed / _steps) >= 0;

    /// <summary>Full k, as a timing-only probe once acceptance has been measured (see <see cref="ResumeWindow"/>).</summary>
    private int Probe(int max)
    {
        _timingProbe = _acceptance.HasValue;
        return max;
    }

    /// <summary>
    /// One probe's timing is too noisy to decide near break-even: that needs a few probes. Two that win or lose clearly
    /// (predicted far from plain at full k) are enough, but never one: a single probe slowed by a neighbour's burst
    /// would switch speculation off in that bucket for hundreds of steps (the back-off), and one timed against a plain
    /// baseline still slowed by the workload's first steps would switch it on where it loses.
    /// </summary>
    private bool IsTrusted(Bucket bucket, SpeculationCostModel model) => bucket.Step[Options.DraftTokens].Count switch
    {
        >= TrustedProbes => true,
        >= ClearProbes => model.Speedup(_liveTokensAt, Options.DraftTokens) is < ClearLoss or > ClearWin,
        _ => false,
    };

    /// <summary>
    /// The k an undecided bucket borrows from the nearest fuller bucket whose verdict is that speculation pays there (0 for
    /// none): that bucket's costs, which only fall relative to a plain step as the batch drains, with this step's rows'
    /// acceptance, and only if a resume repays its catch-up (<see cref="ResumePays"/>).
    /// </summary>
    private int BorrowedK(int index)
    {
        var fuller = _buckets.Where(b => b.Key > index && b.Value.Speculating).Select(b => (int?)b.Key).Min();
        if (fuller is null || CostModel(BucketRange(fuller.Value).High) is not { } model)
        {
            return 0;
        }

        // Its costs, but this step's rows: the rows left when a batch drains may accept far less than the ones it decided on.
        var best = model.BestK(_liveTokensAt);
        return best > 0 && (_lastK > 0 || ResumePays(model, best)) ? best : 0;
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

    /// <summary>What one live-row bucket has measured: seconds of a speculative step (drafting and verifying) per k, each with its live count.</summary>
    private sealed class Bucket(int maxK, int probeEvery)
    {
        public RollingTiming[] Step { get; } = Enumerable.Range(0, maxK + 1).Select(_ => new RollingTiming()).ToArray();

        public int SinceProbe { get; set; }

        public int ProbeInterval { get; set; } = probeEvery;

        /// <summary>The verdict the probe interval is backing off from: speculation on (true) or off. Smaller buckets that
        /// have not decided yet follow it (<see cref="BorrowedK"/>).</summary>
        public bool Speculating { get; set; }

        /// <summary>Checks made while speculating below full k (see <see cref="NextK"/>).</summary>
        public int Checks { get; set; }

        /// <summary>
        /// Cost of an unmeasured k: linear between its nearest measured neighbours, plain decoding (1 at k = 0) being the
        /// lowest, and beyond the largest measured k the line through plain and it. A verify forward's cost grows about
        /// linearly with its positions where it is compute-bound (a full batch) and hardly at all where it is
        /// overhead-bound (batch 1); the line fits both, and only probes at full k are taken, so without it a smaller k
        /// that pays where full k does not (a full batch) would never be tried. Once chosen, a k is measured and its own
        /// estimate takes over.
        /// </summary>
        /// <param name="ratios">Measured step cost per k in plain steps (index 0 unused), null where unmeasured.</param>
        public static double Interpolate(IReadOnlyList<double?> ratios, int k)
        {
            var measured = Enumerable.Range(1, ratios.Count - 1).Where(i => ratios[i].HasValue).ToList();
            if (measured.Count == 0)
            {
                return 1.0;
            }

            var above = measured.Where(i => i > k).ToList();
            if (above.Count > 0)
            {
                var (low, high) = (measured.Where(i => i < k).DefaultIfEmpty(0).Max(), above.Min());
                var lowCost = low == 0 ? 1.0 : ratios[low]!.Value;
                return lowCost + ((ratios[high]!.Value - lowCost) * (k - low) / (high - low));
            }

            var largest = measured.Max();
            var slope = Math.Max(0, (ratios[largest]!.Value - 1.0) / largest);
            return ratios[largest]!.Value + (slope * (k - largest));
        }
    }
}
