using static TorchSharp.torch;

namespace RlSpec.Rollout.Speculative;

/// <summary>Outcome of one verification step per row.</summary>
/// <param name="Accepted">Accepted draft tokens per row [B] (int64).</param>
/// <param name="FinalToken">The recovered token (after a rejection) or bonus token (all accepted) per row [B].</param>
public sealed record RejectionResult(Tensor Accepted, Tensor FinalToken);
