namespace RlSpec.Trainer.Config;

/// <summary>The GRPO policy update.</summary>
public sealed record TrainerSection
{
    public int Steps { get; init; } = 20;

    public double LearningRate { get; init; } = 2e-5;

    public int WarmupSteps { get; init; }

    public double MinLrRatio { get; init; } = 1.0;

    public double ClipLow { get; init; } = 0.2;

    public double ClipHigh { get; init; } = 0.28;

    /// <summary>KL to the frozen starting policy (0 = none).</summary>
    public double KlBeta { get; init; }

    /// <summary>GRPO (true) or Dr. GRPO (false) advantages.</summary>
    public bool ScaleRewardsByStd { get; init; } = true;

    public int MicroBatch { get; init; } = 64;

    public double GradClip { get; init; } = 1.0;

    public double WeightDecay { get; init; }

    /// <summary>
    /// <c>auto</c>: skip the log-prob recompute forward when nothing needs it (the drafter does not align from it), train
    /// against the behaviour log-probs generation recorded under the same weights, and run it every tenth step to
    /// report their largest difference; <c>always</c>: run it every step.
    /// </summary>
    public string RecomputeLogprobs { get; init; } = "auto";
}
