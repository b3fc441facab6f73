using RlSpec.Rollout.Speculative;

namespace RlSpec.Trainer.Config;

/// <summary>Lossless speculative decoding of rollouts: changes speed, never samples.</summary>
public sealed record SpeculationSection
{
    public bool Enabled { get; init; } = true;

    /// <summary>eagle, chunk, mtp, draft-model, ngram or random.</summary>
    public string Drafter { get; init; } = "eagle";

    /// <summary>Draft length k (the most the adaptive controller may use).</summary>
    public int DraftTokens { get; init; } = Defaults.DraftTokens;

    /// <summary>Choose k per step on the live batch, switching speculation off where it does not pay (see <see cref="SpeculationOptions.Adaptive"/>).</summary>
    public bool Adaptive { get; init; } = Defaults.Adaptive;

    private static readonly SpeculationOptions Defaults = new();
}
