using RlSpec.Rollout.Generation;

namespace RlSpec.Rollout.Benchmarks;

/// <summary>
/// One method (plain, or a drafter with fixed or adaptive k) generating one RL step's rollouts through the continuous
/// batch. Speedups are against plain generation of the same prompts in the same run; the <em>full</em> phase is while
/// samples are still queued (every freed slot refilled), the <em>draining</em> phase after the queue emptied.
/// </summary>
public sealed record RolloutBenchmarkRow(
    string Method,
    int Slots,
    int DraftTokens,
    bool Adaptive,
    double TokensPerS,
    double Speedup,
    double FullTokensPerS,
    double FullSpeedup,
    double DrainingTokensPerS,
    double DrainingSpeedup,
    double DrainingTimeShare,
    double AcceptanceLength,
    double SpeculativeStepShare,
    IReadOnlyList<LiveBatchRow> LiveBatch);
