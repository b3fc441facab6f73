namespace RlSpec.Drafter.Alignment;

/// <summary>What to capture for drafter alignment.</summary>
/// <param name="Layers">Policy layers whose hidden states the drafter reads (keys of <c>ForwardOutput.Hidden</c>).</param>
/// <param name="TopK">Keep only the policy's top-k log-probs per row (0 = the full distribution, right for small vocabularies).</param>
/// <param name="CapacityRows">Most token rows the buffer holds before evicting the oldest records.</param>
public sealed record SupervisionOptions(IReadOnlyList<int> Layers, int TopK = 0, int CapacityRows = 65_536);
