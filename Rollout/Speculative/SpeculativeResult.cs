using RlSpec.Rollout.Generation;

namespace RlSpec.Rollout.Speculative;

/// <summary>Completions (with the policy's own log-probs) and what speculation did to produce them.</summary>
/// <param name="Sequences">One completion per prompt.</param>
/// <param name="Stats">Batch totals.</param>
/// <param name="VerifySteps">Per sequence, each verify step it took part in: drafts proposed and accepted.</param>
public sealed record SpeculativeResult(IReadOnlyList<GeneratedSequence> Sequences, SpeculationStats Stats, IReadOnlyList<IReadOnlyList<VerifyStepCounts>> VerifySteps);
