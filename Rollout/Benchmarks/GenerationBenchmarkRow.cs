namespace RlSpec.Rollout.Benchmarks;

/// <summary>
/// One drafter at one batch size. Ratios are measured in the same run: <c>verify_cost_ratio</c> = (k+1)-token
/// verify forward / 1-token decode forward; <c>draft_cost_ratio</c> = drafter time per step / decode forward;
/// <c>bound_speedup</c> = what <see cref="Speculative.SpeculationCostModel"/> predicts from the measured acceptance
/// rate and those two ratios (it leaves out sampling and bookkeeping, so it is an upper bound). <c>live_mean</c> is the
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
