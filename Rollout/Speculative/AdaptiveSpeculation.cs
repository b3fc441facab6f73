namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Chooses k for each verify step. Keeps a running average of the acceptance rate and rolling medians of the
/// drafter's time per token and of the step time at each k, turns them into a <see cref="SpeculationCostModel"/>, and picks its best k
/// (0 = plain decoding). Plain decoding is measured three times before any probe, and speculation is only switched on
/// once three probes of full k agree that it pays.
/// While speculation is off, full k is re-probed with exponential back-off (ProbeEvery, 2×, 4× … up to 256 steps),
/// so a drafter that never pays costs almost nothing; while it is on, plain decoding is re-measured every
/// ProbeEvery steps so the baseline stays current. One instance should live as long as the workload (e.g. per
/// batch size across RL steps); its estimates carry over between generate calls. With Adaptive off it always
/// returns the configured k.
/// </summary>
public sealed class AdaptiveSpeculation
{
    private const double Smoothing = 0.2;
    private const int MaxProbeInterval = 256;
    private const int PlainWarmupSteps = 3;
    private const int TrustedProbes = 3;
    private readonly SpeculationOptions _options;
    private readonly RollingMedian[] _stepSeconds;
    private readonly RollingMedian _draftPerToken = new();
    private double? _alpha;
    private int _sinceProbe;
    private int _probeInterval;

    public AdaptiveSpeculation(SpeculationOptions options)
    {
        _options = options.Validated();
        _stepSeconds = Enumerable.Range(0, options.DraftTokens + 1).Select(_ => new RollingMedian()).ToArray();
        _probeInterval = options.ProbeEvery;
    }

    public SpeculationOptions Options => _options;

    public double? AcceptanceRate => _alpha;

    public int NextK()
    {
        var max = _options.DraftTokens;
        if (!_options.Adaptive || max == 0)
        {
            return max;
        }

        // Plain steps cost nothing extra, so the baseline is measured a few times before any comparison.
        if (_stepSeconds[0].Count < PlainWarmupSteps)
        {
            return 0;
        }

        if (!_stepSeconds[max].HasValue || CostModel() is not { } model)
        {
            return max;
        }

        _sinceProbe++;
        // One probe's timing is too noisy to switch on: speculation needs a median over a few probes.
        var trusted = _stepSeconds[max].Count >= TrustedProbes;
        var best = trusted ? model.BestK(_alpha ?? 0) : 0;
        if (best == 0)
        {
            if (_sinceProbe < _probeInterval)
            {
                return 0;
            }

            _sinceProbe = 0;
            if (trusted)
            {
                _probeInterval = Math.Min(MaxProbeInterval, _probeInterval * 2);
            }

            return max;
        }

        _probeInterval = _options.ProbeEvery;
        if (_sinceProbe >= _options.ProbeEvery)
        {
            _sinceProbe = 0;
            return 0;
        }

        return best;
    }

    /// <summary>Records one finished step: k used, draft tokens proposed/accepted, and its timings.</summary>
    public void Observe(int k, long proposed, long accepted, double draftSeconds, double stepSeconds)
    {
        _stepSeconds[k].Add(stepSeconds - draftSeconds);
        if (k > 0)
        {
            // A drafter that found nothing to propose still spent its time looking.
            _draftPerToken.Add(draftSeconds / k);
        }

        if (proposed > 0)
        {
            _alpha = Blend(_alpha, (double)accepted / proposed);
        }
    }

    /// <summary>The current cost model, or null until plain decoding and one k have been measured.</summary>
    public SpeculationCostModel? CostModel()
    {
        if (!_stepSeconds[0].HasValue || !_draftPerToken.HasValue)
        {
            return null;
        }

        var plain = _stepSeconds[0].Value;
        var verify = new double[_stepSeconds.Length];
        for (var k = 0; k < verify.Length; k++)
        {
            verify[k] = _stepSeconds[k].HasValue ? _stepSeconds[k].Value : Interpolate(k, plain);
        }

        return new SpeculationCostModel(plain, _draftPerToken.Value, verify);
    }

    /// <summary>
    /// Cost of an unmeasured k, erring high: below a measured k, that k's cost (a verify step carries fixed
    /// rejection-sampling overhead that does not shrink with k); above, linear growth through plain and the
    /// largest measured k. Once chosen, a k is measured and its own estimate takes over.
    /// </summary>
    private double Interpolate(int k, double plain)
    {
        var measured = Enumerable.Range(1, _stepSeconds.Length - 1).Where(i => _stepSeconds[i].HasValue).ToList();
        if (measured.Count == 0)
        {
            return plain;
        }

        var above = measured.Where(i => i > k).ToList();
        if (above.Count > 0)
        {
            return _stepSeconds[above.Min()].Value;
        }

        var largest = measured.Max();
        var slope = Math.Max(0, (_stepSeconds[largest].Value - plain) / largest);
        return _stepSeconds[largest].Value + (slope * (k - largest));
    }

    private static double Blend(double? old, double value) => old is { } o ? ((1 - Smoothing) * o) + (Smoothing * value) : value;
}
