using RlSpec.Policy.Model;

namespace RlSpec.Drafter.Eagle;

/// <summary>Shape of an EAGLE-3 style head for a given policy.</summary>
/// <param name="FeatureLayers">Policy layers fused as the head's input, low to high (keys of <c>ForwardOutput.Hidden</c>).</param>
/// <param name="MaxChain">Longest draft chain the head's rotary table covers (the draft length k must not exceed it).</param>
/// <param name="Chunk">Draft all k tokens from one forward over k−1 learned placeholder positions (the chunk drafter) instead of
/// k−1 sequential steps on the head's own outputs (EAGLE).</param>
public sealed record EagleConfig(IReadOnlyList<int> FeatureLayers, int MaxChain = 16, bool Chunk = false)
{
    /// <summary>EAGLE-3's choice of a low, a middle and a high layer; on shallow policies the high layer is the last.</summary>
    public static EagleConfig For(PolicyConfig policy, bool chunk = false) =>
        new(new[] { 1, Math.Max(1, policy.NumLayers / 2), policy.NumLayers }.Distinct().ToArray(), Chunk: chunk);

    public EagleConfig ValidatedFor(PolicyConfig policy)
    {
        if (FeatureLayers.Count == 0 || FeatureLayers.Any(l => l < 0 || l > policy.NumLayers))
        {
            throw new ArgumentException($"eagle: feature_layers must be non-empty and within 0..{policy.NumLayers} (the policy's layers), got [{string.Join(", ", FeatureLayers)}].");
        }

        if (MaxChain is < 1 or > 64)
        {
            throw new ArgumentException($"eagle: max_chain must be in 1..64, got {MaxChain}.");
        }

        return this;
    }
}
