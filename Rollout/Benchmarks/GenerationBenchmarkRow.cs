namespace RlSpec.Rollout.Benchmarks;

/// <summary>
/// One drafter at one batch size. Ratios are measured in the same run: <c>verify_cost_ratio</c> = (k+1)-token
/// verify forward / 1-token decode forward; <c>draft_cost_ratio</c> = drafter time per step / decode forward;
/// <c>bound_speedup</c> = measured acceptance length / (verify_cost_ratio + draft_cost_ratio): tokens per step over a
/// step's forward costs in decodes, leaving out sampling and bookkeeping, so an upper bound (the i.i.d. estimate from
/// the acceptance rate would understate it: acceptance is correlated along a block, see acceptance_by_position). <c>live_mean</c> is the
/// mean number of rows a step ran on (below the slot count while the batch drains at the end of a run).
/// <c>acceptance_by_position</c>[i] = fraction of row-steps proposing an (i+1)-th draft in which drafts 1..i+1 were all
/// accepted (cumulative, so it falls with i: a rejection ends the block).
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
