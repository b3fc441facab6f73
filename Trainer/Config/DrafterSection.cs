using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Eagle;

namespace RlSpec.Trainer.Config;

/// <summary>Keeping the EAGLE drafter aligned with the policy from states the policy's own forwards computed.</summary>
public sealed record DrafterSection
{
    /// <summary>Align after every policy update.</summary>
    public bool Align { get; init; } = true;

    /// <summary>
    /// Which forward records the states and distributions the drafter aligns to: <c>rollouts</c> (the generation's own
    /// prefill and verify forwards, so speculative runs need no log-prob recompute; sync, single-process runs) or
    /// <c>recompute</c> (the log-prob stage's forward, run every step; what async and cluster runs always use).
    /// </summary>
    public string Supervision { get; init; } = "rollouts";

    public int StepsPerUpdate { get; init; } = Alignment.StepsPerUpdate;

    public double LearningRate { get; init; } = Alignment.LearningRate;

    public int BatchRecords { get; init; } = Alignment.BatchRecords;

    /// <summary>Token rows the supervision buffer holds.</summary>
    public int BufferRows { get; init; } = Capture.CapacityRows;

    /// <summary>Keep only the policy's top-k log-probs per row (0 = full distribution).</summary>
    public int TeacherTopK { get; init; } = Capture.TopK;

    /// <summary>Pretraining steps when no head is saved beside the checkpoint.</summary>
    public int PretrainSteps { get; init; } = 150;

    /// <summary>Train only on records at most this many versions old (0 = this step's only, which keeps resumed runs exact).</summary>
    public int MaxStaleness { get; init; } = (int)Alignment.MaxStaleness;

    // One home per default: the library records' (a test checks every section against them).
    private static readonly AlignmentOptions Alignment = new();
    private static readonly SupervisionOptions Capture = new([]);
}
