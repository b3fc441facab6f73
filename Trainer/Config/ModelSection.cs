namespace RlSpec.Trainer.Config;

/// <summary>The policy to train.</summary>
public sealed record ModelSection
{
    /// <summary>HF-style checkpoint directory; null = warm-start the built-in policy by SFT first.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>SFT steps of that warm start.</summary>
    public int WarmStartSteps { get; init; } = new RlSpec.Policy.Training.SftOptions().Steps;

    /// <summary>Shape of the built-in policy a warm start creates: tiny or deep (see <c>PolicyShape</c>). Ignored with a checkpoint.</summary>
    public string Preset { get; init; } = new RlSpec.Policy.Model.PolicyShape().Preset;

    /// <summary>Overrides of the preset's dimensions (0 = the preset's).</summary>
    public int Layers { get; init; }

    public int Hidden { get; init; }

    public int Heads { get; init; }

    public int KvHeads { get; init; }

    public int Intermediate { get; init; }

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Parameter dtype the policy is loaded and trained in: float32, bfloat16 or float16 (checkpoints stored in
    /// another dtype are converted while loading).</summary>
    public string Dtype { get; init; } = RlSpec.Policy.Model.ModelDType.Default;

    /// <summary>CPU threads for libtorch; 0 = auto (<see cref="RlSpec.Policy.Runtime.TorchThreads"/>: physical cores less one,
    /// shared among the threads that compute at once, at least 1); -1 = every physical core, shared the same way.</summary>
    public int Threads { get; init; } = RlSpec.Policy.Runtime.TorchThreads.Auto;
}
