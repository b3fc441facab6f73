namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Chooses k for each verify step. Keeps running (exponential) averages of the acceptance rate, the drafter's
/// time per token and the step time at each k, turns them into a <see cref="SpeculationCostModel"/>, and picks its
/// best k. Every <c>ProbeEvery</c> steps it re-measures plain decoding (k = 0) and full speculation (k = max), so
/// estimates stay current as acceptance drifts. With <c>Adaptive</c> off it always returns the configured k.
/// </summary>
public sealed class AdaptiveSpeculation
{
    private const double Smoothing = 0.2;
    private readonly SpeculationOptions _options;
    private readonly double?[] _stepSeconds;
    private double? _alpha;
    private double? _draftPerToken;
    private int _step;

    public AdaptiveSpeculation(SpeculationOptions options)
    {
        _options = options.Validated();
        _stepSeconds = new double?[options.DraftTokens + 1];
    }

    public double? AcceptanceRate => _alpha;

    public int NextK()
    {
        var step = _step++;
        var max = _options.DraftTokens;
        if (!_options.Adaptive || max == 0)
        {
            return max;
        }

        // Probe schedule: the first two steps measure full speculation and plain decoding; then periodic re-probes.
        var phase = step % _options.ProbeEvery;
        if (step == 0 || phase == 0)
        {
            return max;
        }

        if (step == 1 || phase == 1)
        {
            return 0;
        }

        return CostModel() is { } model ? model.BestK(_alpha ?? 0) : max;
    }

    /// <summary>Records one finished step: k used, draft tokens proposed/accepted, and its timings.</summary>
    public void Observe(int k, long proposed, long accepted, double draftSeconds, double stepSeconds)
    {
        _stepSeconds[k] = Blend(_stepSeconds[k], stepSeconds - draftSeconds);
        if (proposed > 0)
        {
            _alpha = Blend(_alpha, (double)accepted / proposed);
            _draftPerToken = Blend(_draftPerToken, draftSeconds / k);
        }
    }

    /// <summary>The current cost model, or null until plain decoding and one k have been measured.</summary>
    public SpeculationCostModel? CostModel()
    {
        if (_stepSeconds[0] is not { } plain || _draftPerToken is not { } draft)
        {
            return null;
        }

        var verify = new double[_stepSeconds.Length];
        for (var k = 0; k < verify.Length; k++)
        {
            verify[k] = _stepSeconds[k] ?? Interpolate(k, plain);
        }

        return new SpeculationCostModel(plain, draft, verify);
    }

    /// <summary>Linear in k through the nearest measured k above 0 (verify cost grows with the tokens scored).</summary>
    private double Interpolate(int k, double plain)
    {
        var measured = Enumerable.Range(1, _stepSeconds.Length - 1).Where(i => _stepSeconds[i] is not null).ToList();
        if (measured.Count == 0)
        {
            return plain;
        }

        var nearest = measured.MinBy(i => Math.Abs(i - k));
        var slope = (_stepSeconds[nearest]!.Value - plain) / nearest;
        return Math.Max(plain, plain + (slope * k));
    }

    private static double Blend(double? old, double value) => old is { } o ? ((1 - Smoothing) * o) + (Smoothing * value) : value;
}
