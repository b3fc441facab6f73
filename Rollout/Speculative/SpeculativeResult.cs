using RlSpec.Rollout.Generation;

namespace RlSpec.Rollout.Speculative;

/// <summary>Completions (with the policy's own log-probs) and what speculation did to produce them.</summary>
public sealed record SpeculativeResult(IReadOnlyList<GeneratedSequence> Sequences, SpeculationStats Stats);
