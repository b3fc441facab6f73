using RlSpec.Policy.Tasks;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Grpo;

namespace RlSpec.Trainer.Training;

/// <summary>A step's scored completions, group by group, with what generating them cost.</summary>
/// <param name="Rollouts">G completions per prompt, groups in prompt order.</param>
/// <param name="Examples">The example behind each rollout.</param>
/// <param name="Texts">Decoded completions.</param>
/// <param name="Reasons">Why each reward was given.</param>
/// <param name="VerifySteps">Per rollout, draft/accept counts of its verify steps (empty without speculation).</param>
/// <param name="Seconds">Wall time of generation.</param>
/// <param name="Emitted">Tokens generated.</param>
/// <param name="RowSteps">Sequence-steps taken (acceptance length = Emitted / RowSteps).</param>
/// <param name="ProcessedLogProbs">Per rollout, each token's log-prob under the processed distribution it was drawn from (null when not kept).</param>
public sealed record RolloutBatch(
    IReadOnlyList<ScoredRollout> Rollouts,
    IReadOnlyList<TaskExample> Examples,
    IReadOnlyList<string> Texts,
    IReadOnlyList<string?> Reasons,
    IReadOnlyList<IReadOnlyList<VerifyStepCounts>> VerifySteps,
    double Seconds,
    long Emitted,
    long RowSteps,
    IReadOnlyList<IReadOnlyList<float>>? ProcessedLogProbs = null)
{
    [MessagePack.IgnoreMember]
    public double AcceptanceLength => RowSteps == 0 ? 1 : (double)Emitted / RowSteps;

    /// <summary>Chunks of one step, in prompt order, as one batch that took <paramref name="seconds"/>.</summary>
    public static RolloutBatch Concat(IReadOnlyList<RolloutBatch> parts, double seconds) => new(
        [.. parts.SelectMany(p => p.Rollouts)], [.. parts.SelectMany(p => p.Examples)], [.. parts.SelectMany(p => p.Texts)],
        [.. parts.SelectMany(p => p.Reasons)], [.. parts.SelectMany(p => p.VerifySteps)], seconds, parts.Sum(p => p.Emitted), parts.Sum(p => p.RowSteps),
        parts.All(p => p.ProcessedLogProbs is not null) ? [.. parts.SelectMany(p => p.ProcessedLogProbs!)] : null);
}
