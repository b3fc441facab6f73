namespace RlSpec.Trainer.Pipeline;

/// <summary>What the log-prob stage hands the learner.</summary>
/// <param name="LogProbs">log π(token) under the current weights, per completion token of each rollout.</param>
/// <param name="Entropy">Mean policy entropy over completion tokens.</param>
/// <param name="BehaviourKl">Mean over tokens of log π_behaviour − log π_current (k1 estimate of KL(behaviour ‖ current));
/// ≈ 0 on-policy, the drift an asynchronous step trains across otherwise.</param>
/// <param name="CapturedRecords">Supervision records added to the drafter's buffer.</param>
public sealed record RecomputedLogProbs(float[][] LogProbs, double Entropy, double BehaviourKl, int CapturedRecords);
