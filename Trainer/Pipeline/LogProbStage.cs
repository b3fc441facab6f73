using RlSpec.Drafter.Alignment;
using RlSpec.Policy.Model;
using RlSpec.Trainer.Grpo;

namespace RlSpec.Trainer.Pipeline;

/// <summary>
/// The log-prob recompute stage over the learner's weights, in the trained distribution (logits / temperature). The same
/// forward feeds the drafter's supervision buffer (when the drafter is aligned), so alignment costs no forward of its own.
/// With <c>always</c> off it is skipped when nothing needs it: the behaviour log-probs come from the verification
/// forwards of the same weights (sync) or are what the ratio uses anyway (async), so only a check every
/// <see cref="CheckEvery"/> steps measures how far they are from a fresh forward.
/// </summary>
public sealed class LogProbStage(PolicyModel policy, int microBatch, int padId, double temperature, bool always, SupervisionOptions? capture, SupervisionBuffer? buffer)
{
    /// <summary>With recompute on <c>auto</c>, steps 0, 10, 20 … recompute anyway to report the behaviour/recompute gap.</summary>
    public const int CheckEvery = 10;

    public RecomputedLogProbs Run(IReadOnlyList<ScoredRollout> rollouts, long version, int step)
    {
        if (!always && buffer is null && step % CheckEvery != 0)
        {
            return new RecomputedLogProbs([.. rollouts.Select(r => r.BehaviourLogProbs.ToArray())], double.NaN, double.NaN, 0, double.NaN);
        }

        var result = LogProbRecompute.Run(policy, rollouts, microBatch, padId, temperature, buffer is null ? null : capture, version);
        result.Supervision.ForEach(r => buffer!.Add(r));
        var (drift, tokens, maxDiff) = (0.0, 0L, 0.0);
        for (var i = 0; i < rollouts.Count; i++)
        {
            for (var t = 0; t < result.LogProbs[i].Length; t++)
            {
                var difference = rollouts[i].BehaviourLogProbs[t] - result.LogProbs[i][t];
                drift += difference;
                maxDiff = Math.Max(maxDiff, Math.Abs(difference));
            }

            tokens += result.LogProbs[i].Length;
        }

        return new RecomputedLogProbs(result.LogProbs, result.Entropy, tokens == 0 ? 0 : drift / tokens, result.Supervision.Count, maxDiff);
    }
}
