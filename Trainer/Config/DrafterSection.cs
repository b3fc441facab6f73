namespace RlSpec.Trainer.Config;

/// <summary>Keeping the EAGLE drafter aligned with the policy from states the recompute forward caches.</summary>
public sealed record DrafterSection
{
    /// <summary>Align after every policy update.</summary>
    public bool Align { get; init; } = true;

    public int StepsPerUpdate { get; init; } = 3;

    public double LearningRate { get; init; } = 1e-3;

    public int BatchRecords { get; init; } = 8;

    /// <summary>Token rows the supervision buffer holds.</summary>
    public int BufferRows { get; init; } = 65_536;

    /// <summary>Keep only the policy's top-k log-probs per row (0 = full distribution).</summary>
    public int TeacherTopK { get; init; }

    /// <summary>Pretraining steps when no head is saved beside the checkpoint.</summary>
    public int PretrainSteps { get; init; } = 150;

    /// <summary>Train only on records at most this many versions old (0 = this step's only, which keeps resumed runs exact).</summary>
    public int MaxStaleness { get; init; }
}
