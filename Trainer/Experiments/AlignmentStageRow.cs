namespace RlSpec.Trainer.Experiments;

/// <summary>One stage of the alignment experiment: acceptance length per drafter and what online alignment cost.</summary>
/// <param name="Stage">0 = the starting policy; stage s has had s rounds of fine-tuning on the shifted task.</param>
/// <param name="ShiftedFormatShare">Fraction of rollouts written in the shifted format (how far the policy has moved).</param>
/// <param name="Accuracy">Fraction of rollouts with the right answer.</param>
/// <param name="Frozen">Acceptance length of the starting drafter, never updated.</param>
/// <param name="Online">Acceptance length of the drafter aligned online from cached rollout states (one stage behind, as in RL).</param>
/// <param name="Retrained">Acceptance length of a drafter trained from scratch on this stage's policy (upper bound).</param>
/// <param name="GenerationSeconds">Time of the online drafter's speculative rollouts.</param>
/// <param name="CaptureSeconds">Time spent capturing supervision during those rollouts.</param>
/// <param name="AlignSeconds">Time of the online alignment round after them.</param>
/// <param name="OnlineKl">Mean forward KL per draft step during that round.</param>
public sealed record AlignmentStageRow(
    int Stage,
    double ShiftedFormatShare,
    double Accuracy,
    double Frozen,
    double Online,
    double Retrained,
    double GenerationSeconds,
    double CaptureSeconds,
    double AlignSeconds,
    double OnlineKl)
{
    public double AlignmentCostShare => GenerationSeconds <= 0 ? 0 : (CaptureSeconds + AlignSeconds) / GenerationSeconds;

    public double OnlineGapToRetrained => Retrained <= 0 ? 0 : (Retrained - Online) / Retrained;
}
