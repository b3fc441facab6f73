namespace RlSpec.Drafter.DraftModel;

/// <summary>Training a draft model to imitate the policy.</summary>
/// <param name="Steps">Optimizer steps (default 300).</param>
/// <param name="LearningRate">Peak AdamW learning rate (default 3e-3).</param>
/// <param name="WarmupSteps">Linear warm-up steps (default 20).</param>
/// <param name="CrossEntropyWeight">Weight of cross-entropy on the sampled tokens, added to the KL term (default 0).</param>
/// <param name="GradClip">Global gradient-norm clip (default 1.0).</param>
/// <param name="LogEvery">Report every this many steps (default 25).</param>
public sealed record DistillationOptions(int Steps = 300, double LearningRate = 3e-3, int WarmupSteps = 20, double CrossEntropyWeight = 0.0, double GradClip = 1.0, int LogEvery = 25);
