using RlSpec.Drafter.Alignment;
using RlSpec.Policy.Model;
using RlSpec.Trainer.Grpo;

namespace RlSpec.Trainer.Pipeline;

/// <summary>
/// The log-prob recompute stage over the learner's weights. The same forward feeds the drafter's supervision buffer
/// (when the drafter is aligned), so alignment costs no forward of its own.
/// </summary>
public sealed class LogProbStage(PolicyModel policy, int microBatch, int padId, SupervisionOptions? capture, SupervisionBuffer? buffer)
{
    public RecomputedLogProbs Run(IReadOnlyList<ScoredRollout> rollouts, long version)
    {
        var result = LogProbRecompute.Run(policy, rollouts, microBatch, padId, buffer is null ? null : capture, version);
        result.Supervision.ForEach(r => buffer!.Add(r));
        var (drift, tokens) = (0.0, 0L);
        for (var i = 0; i < rollouts.Count; i++)
        {
            for (var t = 0; t < result.LogProbs[i].Length; t++)
            {
                drift += rollouts[i].BehaviourLogProbs[t] - result.LogProbs[i][t];
            }

            tokens += result.LogProbs[i].Length;
        }

        return new RecomputedLogProbs(result.LogProbs, result.Entropy, tokens == 0 ? 0 : drift / tokens, result.Supervision.Count);
    }
}
