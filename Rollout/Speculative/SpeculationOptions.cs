namespace RlSpec.Rollout.Speculative;

/// <summary>How much to speculate.</summary>
/// <param name="DraftTokens">k: tokens proposed per verify step, or the most the adaptive controller may use (default 4).</param>
/// <param name="Adaptive">Choose k per step from the live batch's measured costs and the acceptance rate, switching speculation off
/// where it does not pay (default false). The output stays exactly the policy's distribution either way, but k then depends on
/// timings, so which tokens a seed draws can differ between runs; with it off, a seed's rollouts are reproducible.</param>
/// <param name="ProbeEvery">With adaptive on: re-measure plain decoding (where speculation is on) or full-k speculation (where it is
/// off) after this many steps of a live-row bucket, then after twice, four times … as many while the verdict holds (default 16).</param>
/// <param name="ResumeWindow">With adaptive on: when speculation resumes after plain steps, a hidden-state drafter reads only the
/// newest this many of each row's positions it has not seen (default 32). Reading them all would cost a drafter forward as
/// long as the plain stretch, paid at every switch; skipping older ones leaves a gap in the drafter's context, which can
/// lower acceptance but never changes what is sampled.</param>
public sealed record SpeculationOptions(int DraftTokens = 4, bool Adaptive = false, int ProbeEvery = 16, int ResumeWindow = 32)
{
    public SpeculationOptions Validated() =>
        DraftTokens is >= 0 and <= 16 && ProbeEvery >= 2 && ResumeWindow >= 1
            ? this
            : throw new ArgumentException(
                $"speculation: draft_tokens must be in 0..16, probe_every >= 2 and resume_window >= 1, got {DraftTokens}, {ProbeEvery}, {ResumeWindow}.");
}
