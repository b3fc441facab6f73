using RlSpec.Rollout.Speculative;

namespace RlSpec.Rollout.Generation;

/// <summary>Completions (with the policy's own log-probs) and what the engine did to produce them.</summary>
/// <param name="Sequences">One completion per sample, in request order (request 0's samples first).</param>
/// <param name="Stats">Speculation counters and time split over the whole call.</param>
/// <param name="VerifySteps">Per sequence, each verify step it took part in: drafts proposed and accepted.</param>
/// <param name="LiveBatch">Steps, tokens and seconds per live-row count, full and draining phases apart.</param>
public sealed record GenerationResult(IReadOnlyList<GeneratedSequence> Sequences, SpeculationStats Stats, IReadOnlyList<IReadOnlyList<VerifyStepCounts>> VerifySteps, LiveBatchStats LiveBatch);
