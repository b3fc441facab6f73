namespace RlSpec.Trainer.Config;

/// <summary>How completions are sampled.</summary>
public sealed record RolloutSection
{
    public int PromptsPerStep { get; init; } = 16;

    /// <summary>Completions per prompt (GRPO's group size G).</summary>
    public int GroupSize { get; init; } = 8;

    public int MaxNewTokens { get; init; } = 96;

    public double Temperature { get; init; } = 1.0;

    public int TopK { get; init; }

    public double TopP { get; init; } = 1.0;

    /// <summary>Sequences generated together.</summary>
    public int BatchSize { get; init; } = 64;
}
