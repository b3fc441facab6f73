using System.Text.Json.Serialization;

namespace RlSpec.Rollout.Verification;

/// <summary>What one case measured; <see cref="Passed"/> is decided once the run's total number of tests is known.</summary>
public sealed record LosslessnessCaseResult(
    string Drafter,
    int DraftTokens,
    double Temperature,
    int TopK,
    double TopP,
    int Samples,
    double MinPValue,
    double MaxTv,
    double TvNoiseBound,
    double LogprobMaxAbsErr,
    bool Passed,
    [property: JsonPropertyName("tests")] int TestCount,
    bool? GreedyIdentical,
    double AcceptanceLength);
