namespace RlSpec.Rollout.Speculative;

/// <summary>How much to speculate.</summary>
/// <param name="DraftTokens">k: tokens proposed per verify step, or the most the adaptive controller may use (default 4).</param>
/// <param name="Adaptive">Choose k per step from the live batch's measured costs and the acceptance rate, switching speculation off
/// where it does not pay (default false). The output stays exactly the policy's distribution either way, but k then depends on
/// timings, so which tokens a seed draws can differ between runs; with it off, a seed's rollouts are reproducible.</param>
/// <param name="ProbeEvery">With adaptive on: re-measure plain decoding and full-k speculation every this many steps (default 16).</param>
public sealed record SpeculationOptions(int DraftTokens = 4, bool Adaptive = false, int ProbeEvery = 16)
{
    public SpeculationOptions Validated() =>
        DraftTokens is >= 0 and <= 16 && ProbeEvery >= 2
            ? this
            : throw new ArgumentException($"speculation: draft_tokens must be in 0..16 and probe_every >= 2, got {DraftTokens}, {ProbeEvery}.");
}
