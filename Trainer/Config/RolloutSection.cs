using RlSpec.Policy.Sampling;

namespace RlSpec.Trainer.Config;

/// <summary>How completions are sampled.</summary>
public sealed record RolloutSection
{
    public int PromptsPerStep { get; init; } = 16;

    /// <summary>Completions per prompt (GRPO's group size G).</summary>
    public int GroupSize { get; init; } = 8;

    public int MaxNewTokens { get; init; } = 96;

    public double Temperature { get; init; } = Sampling.Temperature;

    public int TopK { get; init; } = Sampling.TopK;

    public double TopP { get; init; } = Sampling.TopP;

    /// <summary>Sequences generated together.</summary>
    public int BatchSize { get; init; } = 64;

    // One home per default: the sampler's own.
    private static readonly SamplingParams Sampling = new();
}
