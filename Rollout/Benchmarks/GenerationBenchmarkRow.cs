namespace RlSpec.Rollout.Benchmarks;

/// <summary>
/// One drafter at one batch size. Ratios are measured in the same run: <c>verify_cost_ratio</c> = (k+1)-token
/// verify forward / 1-token decode forward; <c>draft_cost_ratio</c> = drafter time per step / decode forward;
/// <c>bound_speedup</c> = the cost model's estimate at fixed k: measured acceptance length / (verify_cost_ratio +
/// draft_cost_ratio), tokens per step over a step's forward costs in decodes. It leaves out sampling and bookkeeping
/// on both sides (plain decoding has them too, spread over one token instead of τ), so it is an estimate, not a strict
/// bound; NaN for adaptive rows, whose acceptance length averages over plain steps too. <c>live_mean</c> is the mean
/// number of rows a step ran on (below the slot count while the batch drains at the end of a run).
/// <c>acceptance_by_position</c>[i] = among row-steps that proposed at least i+1 drafts, the fraction whose drafts
/// 1..i+1 were all accepted (for a drafter that always proposes k, this falls with i: a rejection ends the block).
/// </summary>
public sealed record GenerationBenchmarkRow(
    string Drafter,
    int Batch,
    int DraftTokens,
    bool Adaptive,
    double TokensPerS,
    double SpeedupVsAr,
    double AcceptanceLength,
    double AcceptanceRate,
    double VerifyCostRatio,
    double DraftCostRatio,
    double BoundSpeedup,
    double DraftShare,
    double VerifyShare,
    double SamplingShare,
    double BookkeepingShare,
    double LiveMean,
    IReadOnlyList<double> AcceptanceByPosition);
