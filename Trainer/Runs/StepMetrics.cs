namespace RlSpec.Trainer.Runs;

/// <summary>One row of <c>metrics.csv</c>: what a training step learned, and where its time went.</summary>
public sealed record StepMetrics
{
    public int Step { get; init; }
    public long PolicyVersion { get; init; }

    /// <summary>Versions between the weights that generated the step's oldest rollout and the weights it trained (0 = on-policy).</summary>
    public long Staleness { get; init; }
    public double RewardMean { get; init; }
    public double RewardStd { get; init; }
    public double Accuracy { get; init; }
    public double ResponseLength { get; init; }
    public double Loss { get; init; }
    public double Kl { get; init; }
    public double ApproxKl { get; init; }

    /// <summary>Mean log π_behaviour − log π_current over completion tokens, at recompute time.</summary>
    public double BehaviourKl { get; init; }
    public double Entropy { get; init; }

    /// <summary>Largest |behaviour − recomputed| log-prob over the step's tokens; NaN on steps whose recompute was skipped
    /// (<c>trainer.recompute_logprobs: auto</c>), where entropy and behaviour KL are NaN too.</summary>
    public double RecomputeMaxDiff { get; init; }
    public double ClipFraction { get; init; }
    public double GradNorm { get; init; }
    public double LearningRate { get; init; }
    public double AcceptanceLength { get; init; }
    public double DrafterKl { get; init; }
    public double TokensPerSecond { get; init; }
    public double DataSeconds { get; init; }
    public double PrepareSeconds { get; init; }
    public double GenerationSeconds { get; init; }
    public double LogprobSeconds { get; init; }
    public double TrainSeconds { get; init; }
    public double AlignSeconds { get; init; }
    public double StepSeconds { get; init; }

    /// <summary>Rollout nodes that generated the step (0 = the trainer's own process).</summary>
    public int RolloutNodes { get; init; }

    /// <summary>Seconds to get the step's weights version into every replica (part of <see cref="PrepareSeconds"/>).</summary>
    public double WeightSyncSeconds { get; init; }

    /// <summary>Megabytes of weights sent to rollout nodes for the step (10^6 bytes; 0 in one process).</summary>
    public double WeightSyncMb { get; init; }

    /// <summary>1 when the drafter was unhealthy at this step (acceptance length dropped below its recent level, the drafter
    /// lagged the policy by too many versions, or speculation is still auto-disabled because of either); else 0.</summary>
    public int DrafterAlarm { get; init; }

    /// <summary>Generating policy version minus the version the drafter's weights were aligned to (empty: no drafter with weights).</summary>
    public long? DrafterVersionLag { get; init; }

    /// <summary>Share of the step spent generating.</summary>
    public double GenerationShare => StepSeconds <= 0 ? 0 : GenerationSeconds / StepSeconds;
}
