using static TorchSharp.torch;

namespace RlSpec.Drafter.Drafting;

/// <summary>Draft tokens for one speculative step.</summary>
/// <param name="Tokens">Proposed ids [B, k] (entries past a row's count are padding).</param>
/// <param name="Probabilities">The distribution each proposal was drawn from [B, k, V], or null for deterministic drafters (one-hot q).</param>
/// <param name="Counts">Tokens proposed per row, 0..k.</param>
public sealed record DraftProposal(Tensor Tokens, Tensor? Probabilities, int[] Counts)
{
    public int K => (int)Tokens.shape[1];
}
