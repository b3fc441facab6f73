using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Grpo;

/// <summary>
/// The PPO-clip surrogate GRPO optimises, per token: −min(ρ·A, clip(ρ, 1−ε_low, 1+ε_high)·A) with
/// ρ = exp(log π − log π_old), plus β times the k3 estimate of KL(π ‖ π_ref) when a reference policy is used.
/// Terms are summed over every completion token of the whole batch and divided by the batch's token count
/// (token-level aggregation, as DAPO), so long completions are not down-weighted; micro-batches pass that
/// total count in so accumulated gradients equal one big batch's.
/// </summary>
public static class PolicyLoss
{
    /// <param name="logProbs">log π(token) under the policy being trained [B, T] (with gradient).</param>
    /// <param name="oldLogProbs">log π_old(token) [B, T]: the behaviour or recomputed log-probs.</param>
    /// <param name="advantages">Per-sequence advantage [B].</param>
    /// <param name="mask">1 on completion tokens [B, T].</param>
    /// <param name="totalTokens">Completion tokens in the whole batch (all micro-batches).</param>
    /// <param name="refLogProbs">log π_ref(token) [B, T], or null for no KL term.</param>
    public static PolicyLossTerms Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask, double totalTokens,
        double clipLow, double clipHigh, double klBeta = 0.0, Tensor? refLogProbs = null)
    {
        var ratio = (logProbs - oldLogProbs).exp();
        var a = advantages.unsqueeze(1);
        var unclipped = ratio * a;
        using var low = (1 - clipLow).ToScalar();
        using var high = (1 + clipHigh).ToScalar();
        var clipped = ratio.clamp(low, high) * a;
        var perToken = -minimum(unclipped, clipped);
        var kl = refLogProbs is null ? zeros_like(perToken) : ((refLogProbs - logProbs).exp() - (refLogProbs - logProbs)).Minus(1);
        var loss = (perToken.Plus(kl.Times(klBeta)) * mask).sum().DividedBy(totalTokens);
        using var noGrad = no_grad();
        var clippedTokens = ((clipped < unclipped).to_type(ScalarType.Float32) * mask).sum();
        return new PolicyLossTerms(loss, clippedTokens, (kl * mask).sum(), ((oldLogProbs - logProbs) * mask).sum());
    }
}
