namespace RlSpec.Rollout.Generation;

/// <summary>One completion with the policy's own per-token log-probs.</summary>
/// <param name="Completion">Generated ids, including EOS when <see cref="Finish"/> is <see cref="FinishReason.Eos"/>.</param>
/// <param name="LogProbs">log p(token) under the raw (unprocessed) policy distribution: what importance ratios use.</param>
/// <param name="ProcessedLogProbs">log p(token) under the temperature/top-k/top-p distribution it was drawn from.</param>
public sealed record GeneratedSequence(IReadOnlyList<int> Completion, IReadOnlyList<float> LogProbs, IReadOnlyList<float> ProcessedLogProbs, FinishReason Finish);
