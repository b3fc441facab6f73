using static TorchSharp.torch;

namespace RlSpec.Trainer.Grpo;

/// <summary>One micro-batch's loss (to backpropagate) and token sums for the step's metrics.</summary>
/// <param name="Loss">Scalar loss already divided by the batch's total token count.</param>
/// <param name="ClippedTokens">Tokens whose clipped term was the active (smaller) one.</param>
/// <param name="KlSum">Sum over tokens of the k3 KL estimate to the reference policy (0 without one).</param>
/// <param name="ApproxKlSum">Sum over tokens of log π_old − log π: how far the update has moved from the sampling policy.</param>
public sealed record PolicyLossTerms(Tensor Loss, Tensor ClippedTokens, Tensor KlSum, Tensor ApproxKlSum);
