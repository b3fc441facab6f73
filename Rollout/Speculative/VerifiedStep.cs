namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Host copy of one verify step. Row b emits <c>Emitted[b, 0..Accepted[b]]</c>: its accepted drafts, then the
/// recovered or bonus token. Log-probs are the policy's at those positions: under the trained distribution
/// (logits / temperature) and under the processed one the token was drawn from.
/// </summary>
public sealed record VerifiedStep(int K, int[] Accepted, long[] Emitted, float[] LogProbs, float[] ProcessedLogProbs)
{
    public int Width => K + 1;

    public int Index(int row, int position) => (row * Width) + position;
}
