namespace RlSpec.Trainer.Grpo;

/// <summary>What one policy update did.</summary>
/// <param name="Loss">Surrogate loss (token-level mean).</param>
/// <param name="ClipFraction">Share of completion tokens whose clipped term was active.</param>
/// <param name="Kl">Mean k3 KL to the reference policy per token (0 without one).</param>
/// <param name="ApproxKl">Mean log π_old − log π per token during the update.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
/// <param name="LearningRate">Learning rate used.</param>
public sealed record UpdateMetrics(double Loss, double ClipFraction, double Kl, double ApproxKl, double GradNorm, double LearningRate);
