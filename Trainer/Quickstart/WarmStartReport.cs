using RlSpec.Rollout.Evaluation;

namespace RlSpec.Trainer.Quickstart;

/// <summary>What a warm start did: accuracy before/after, final loss, size and wall time.</summary>
public sealed record WarmStartReport(
    EvaluationResult Before,
    EvaluationResult After,
    double FinalLoss,
    long ParameterCount,
    TimeSpan TrainTime,
    TimeSpan TotalTime,
    string CheckpointDirectory);
