namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Deliberate bugs in verification, each a known way speculative sampling goes silently wrong. They exist only as
/// negative controls for the losslessness certificate (<c>verify-lossless --inject-bias NAME</c> and its tests): a
/// checker earns trust by failing on them. Nothing in training can select one.
/// </summary>
public enum PlantedBias
{
    /// <summary>The honest sampler.</summary>
    None,

    /// <summary>On rejection, resample from p instead of the residual norm(max(0, p − q)) (the bug of an RL speculative-decoding project).</summary>
    ResidualFromTarget,

    /// <summary>When every draft is accepted, draw the bonus token from the last draft's q instead of p at position k+1.</summary>
    BonusFromDraft,

    /// <summary>Report q at twice the temperature the drafts were sampled at (q' ∝ q^½).</summary>
    DraftTemperature,

    /// <summary>Read the accepted count one past the first rejection, so the rejected draft is emitted too.</summary>
    AcceptOffByOne,
}
