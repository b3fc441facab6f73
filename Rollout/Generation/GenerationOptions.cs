using RlSpec.Policy.Sampling;

namespace RlSpec.Rollout.Generation;

/// <summary>Per-call generation settings; sampling travels explicitly with each call.</summary>
/// <param name="MaxNewTokens">Completion budget per sequence (no default: a run takes it from <c>rollout.max_new_tokens</c>, a benchmark from its flag).</param>
/// <param name="Sampling">Distribution processing shared with verification (default: temperature 1, no top-k/top-p).</param>
/// <param name="StopStrings">A completion also ends once its decoded text ends with one of these (default none).</param>
public sealed record GenerationOptions(int MaxNewTokens, SamplingParams? Sampling = null, IReadOnlyList<string>? StopStrings = null)
{
    public SamplingParams EffectiveSampling => Sampling ?? new SamplingParams();
}
