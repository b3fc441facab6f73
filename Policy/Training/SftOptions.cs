namespace RlSpec.Policy.Training;

/// <summary>Supervised warm start on worked solutions.</summary>
/// <param name="Steps">Optimizer steps (default 800).</param>
/// <param name="BatchSize">Examples per step (default 32).</param>
/// <param name="LearningRate">Peak AdamW learning rate (default 3e-3; small models tolerate it).</param>
/// <param name="WarmupSteps">Linear warm-up before cosine decay (default 40).</param>
/// <param name="MinLearningRateRatio">Cosine decays to this fraction of the peak (default 0.1).</param>
/// <param name="WeightDecay">AdamW decoupled weight decay (default 0.01).</param>
/// <param name="GradClip">Global gradient-norm clip (default 1.0).</param>
/// <param name="Seed">Seeds initialisation and the example stream (default 1234).</param>
/// <param name="LogEvery">Report loss every this many steps (default 50).</param>
public sealed record SftOptions(
    int Steps = 800,
    int BatchSize = 32,
    double LearningRate = 3e-3,
    int WarmupSteps = 40,
    double MinLearningRateRatio = 0.1,
    double WeightDecay = 0.01,
    double GradClip = 1.0,
    int Seed = 1234,
    int LogEvery = 50)
{
    public SftOptions Validated()
    {
        if (Steps < 1 || BatchSize < 1 || LogEvery < 1)
        {
            throw new ArgumentException($"sft: steps, batch_size and log_every must be >= 1 (got {Steps}, {BatchSize}, {LogEvery}).");
        }

        if (LearningRate <= 0 || WarmupSteps < 0 || MinLearningRateRatio is < 0 or > 1 || GradClip <= 0)
        {
            throw new ArgumentException("sft: need learning_rate > 0, warmup_steps >= 0, 0 <= min_lr_ratio <= 1, grad_clip > 0.");
        }

        return this;
    }
}
