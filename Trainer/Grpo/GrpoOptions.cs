namespace RlSpec.Trainer.Grpo;

/// <summary>The policy update of a GRPO step. Values come from the run config (<c>trainer:</c>), which holds their defaults.</summary>
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
/// <param name="Temperature">The rollouts' sampling temperature: the policy trained is logits / temperature, the distribution the
/// tokens were drawn from, so the importance ratio is exactly π_θ / π_behaviour.</param>
public sealed record GrpoOptions(
    double LearningRate,
    int WarmupSteps,
    double MinLearningRateRatio,
    double ClipLow,
    double ClipHigh,
    double KlBeta,
    bool ScaleRewardsByStd,
    int MicroBatch,
    double GradClip,
    double WeightDecay,
    double Temperature);
