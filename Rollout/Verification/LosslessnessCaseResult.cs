using System.Text.Json.Serialization;

namespace RlSpec.Rollout.Verification;

/// <summary>What one case measured; <see cref="Passed"/> and the TV bound are decided once the run's total number of tests is known.</summary>
/// <param name="MinPValue">Smallest chi-square p-value over the case's per-position and window tests.</param>
/// <param name="MaxTv">TV of the per-position test that is largest in noise units.</param>
/// <param name="TvNoiseBound">That test's TV bound at the run's family-wise level (0 until decided).</param>
/// <param name="MaxTvInNoiseUnits">Largest TV / TvScale over per-position tests (see <see cref="HomogeneityResult"/>).</param>
/// <param name="LogprobMaxAbsErr">Largest |log-prob − fresh forward| of trained-distribution log-probs.</param>
/// <param name="ProcessedLogprobMaxAbsErr">The same for the processed distribution tokens were drawn from.</param>
/// <param name="GreedyIdentical">At temperature 0: every speculative completion equals plain greedy decoding.</param>
/// <param name="AcceptanceLength">Tokens emitted per row per verify step.</param>
/// <param name="BonusFraction">Share of row-steps whose drafts were all accepted, so their last token was a bonus draw from p.</param>
/// <param name="AtLimitFinished">Speculative completions of the prompt at the context limit that ran to the limit.</param>
/// <param name="Checked">False for a greedy case of a half-precision policy: reported, not decided (argmax ties flip with rounding).</param>
public sealed record LosslessnessCaseResult(
    string Drafter,
    int DraftTokens,
    double Temperature,
    int TopK,
    double TopP,
    int Samples,
    bool Adaptive,
    double MinPValue,
    double MaxTv,
    double TvNoiseBound,
    double MaxTvInNoiseUnits,
    double LogprobMaxAbsErr,
    double ProcessedLogprobMaxAbsErr,
    bool Passed,
    [property: JsonPropertyName("tests")] int TestCount,
    bool? GreedyIdentical,
    double AcceptanceLength,
    double BonusFraction,
    int AtLimitFinished,
    bool Checked = true)
{
    /// <summary>Per-position TV scale of the worst test (bound = z × scale).</summary>
    [JsonIgnore]
    public double WorstTvScale { get; init; }
}
