namespace RlSpec.Trainer.Config;

/// <summary>The policy to train.</summary>
public sealed record ModelSection
{
    /// <summary>HF-style checkpoint directory; null = warm-start the built-in policy by SFT first.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>SFT steps of that warm start.</summary>
    public int WarmStartSteps { get; init; } = 800;

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Parameter dtype the policy is loaded and trained in: float32, bfloat16 or float16 (checkpoints stored in
    /// another dtype are converted while loading).</summary>
    public string Dtype { get; init; } = RlSpec.Policy.Model.ModelDType.Default;

    /// <summary>CPU threads for libtorch (0 = its default).</summary>
    public int Threads { get; init; }
}
