namespace RlSpec.Drafter.Eagle;

/// <summary>Online drafter alignment from the supervision buffer, run after each policy update. These defaults are the
/// run config's (<c>drafter:</c> takes them from here).</summary>
/// <param name="StepsPerUpdate">Optimizer steps per policy update (default 3).</param>
/// <param name="LearningRate">Constant AdamW learning rate (default 1e-3).</param>
/// <param name="BatchRecords">Sequences per step, drawn from the buffer (default 8).</param>
/// <param name="Depth">Draft steps unrolled per training position ("training-time test"; default 4, use the draft length k).</param>
/// <param name="CrossEntropyWeight">Weight of cross-entropy on the sampled tokens, added to the KL term (default 0).</param>
/// <param name="GradClip">Global gradient-norm clip (default 1.0).</param>
/// <param name="MaxStaleness">Train only on records at most this many policy versions old (default 0: this version's only,
/// which keeps resumed runs exact).</param>
public sealed record AlignmentOptions(int StepsPerUpdate = 3, double LearningRate = 1e-3, int BatchRecords = 8, int Depth = 4,
    double CrossEntropyWeight = 0.0, double GradClip = 1.0, long MaxStaleness = 0)
{
    public AlignmentOptions Validated()
    {
        Require(StepsPerUpdate >= 0, "steps_per_update", "must be >= 0");
        Require(LearningRate is > 0 and < 1, "learning_rate", "must be in (0, 1)");
        Require(BatchRecords > 0, "batch_records", "must be positive");
        Require(Depth is >= 1 and <= 16, "depth", "must be in 1..16");
        Require(CrossEntropyWeight >= 0, "cross_entropy_weight", "must be >= 0");
        Require(GradClip > 0, "grad_clip", "must be positive");
        Require(MaxStaleness >= 0, "max_staleness", "must be >= 0");
        return this;
    }

    private static void Require(bool ok, string key, string what)
    {
        if (!ok)
        {
            throw new ArgumentException($"drafter alignment: {key} {what}.");
        }
    }
}
