namespace RlSpec.Trainer.Grpo;

/// <summary>The policy update of a GRPO step.</summary>
/// <param name="LearningRate">Peak AdamW learning rate.</param>
/// <param name="WarmupSteps">Linear warm-up steps before cosine decay.</param>
/// <param name="MinLearningRateRatio">Cosine decays to this fraction of the peak by the last step.</param>
/// <param name="ClipLow">PPO clip ε below 1 (ratio floor 1 − ε).</param>
/// <param name="ClipHigh">PPO clip ε above 1 (DAPO's "clip higher" keeps exploration alive when larger than ClipLow).</param>
/// <param name="KlBeta">Weight of KL to the frozen starting policy (0 = no reference model is kept).</param>
/// <param name="ScaleRewardsByStd">Divide group-centred rewards by the group std (GRPO) or not (Dr. GRPO).</param>
/// <param name="MicroBatch">Sequences per forward/backward; gradients accumulate over the step's micro-batches.</param>
/// <param name="GradClip">Global gradient-norm clip.</param>
/// <param name="WeightDecay">AdamW decoupled weight decay.</param>
public sealed record GrpoOptions(
    double LearningRate = 1e-4,
    int WarmupSteps = 0,
    double MinLearningRateRatio = 1.0,
    double ClipLow = 0.2,
    double ClipHigh = 0.28,
    double KlBeta = 0.0,
    bool ScaleRewardsByStd = true,
    int MicroBatch = 64,
    double GradClip = 1.0,
    double WeightDecay = 0.0);
