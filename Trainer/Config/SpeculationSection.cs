namespace RlSpec.Trainer.Config;

/// <summary>Lossless speculative decoding of rollouts: changes speed, never samples.</summary>
public sealed record SpeculationSection
{
    public bool Enabled { get; init; } = true;

    /// <summary>eagle, mtp, draft-model, ngram or random.</summary>
    public string Drafter { get; init; } = "eagle";

    /// <summary>Draft length k.</summary>
    public int DraftTokens { get; init; } = 4;

    /// <summary>Switch speculation off at batch sizes where it does not pay.</summary>
    public bool Adaptive { get; init; }
}
