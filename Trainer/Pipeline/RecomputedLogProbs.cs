namespace RlSpec.Trainer.Pipeline;

/// <summary>What the log-prob stage hands the learner.</summary>
/// <param name="LogProbs">log π(token) under the current weights, per completion token of each rollout (the behaviour
/// log-probs themselves when the recompute was skipped).</param>
/// <param name="Entropy">Mean policy entropy over completion tokens (NaN when skipped).</param>
/// <param name="BehaviourKl">Mean over tokens of log π_behaviour − log π_current (k1 estimate of KL(behaviour ‖ current));
/// ≈ 0 on-policy, the drift an asynchronous step trains across otherwise (NaN when skipped).</param>
/// <param name="CapturedRecords">Supervision records added to the drafter's buffer.</param>
/// <param name="MaxDiff">Largest |behaviour − recomputed| log-prob (NaN when skipped).</param>
public sealed record RecomputedLogProbs(float[][] LogProbs, double Entropy, double BehaviourKl, int CapturedRecords, double MaxDiff)
{
    public bool Skipped => double.IsNaN(MaxDiff);
}
