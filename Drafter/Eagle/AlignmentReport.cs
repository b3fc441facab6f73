namespace RlSpec.Drafter.Eagle;

/// <summary>One alignment round: how much it trained, on what, the loss it ended at and what it cost.</summary>
/// <param name="Steps">Optimizer steps taken (0 when the buffer had nothing fresh enough).</param>
/// <param name="Kl">Mean forward KL per unrolled draft step over the round, step 1 first.</param>
/// <param name="Rows">Token rows trained on (with repetition).</param>
/// <param name="Seconds">Wall time of the round.</param>
/// <param name="NewestVersion">Newest policy version among the records trained on (−1 when no step was taken): the version the head is now aligned to.</param>
public sealed record AlignmentReport(int Steps, double[] Kl, long Rows, double Seconds, long NewestVersion = -1)
{
    public double MeanKl => Kl.Length == 0 ? double.NaN : Kl.Average();
}
