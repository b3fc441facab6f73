using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Eagle;

namespace RlSpec.Trainer.Pipeline;

/// <summary>The drafter-alignment stage: a few optimizer steps of the EAGLE head on fresh records from the buffer,
/// sampled with a generator seeded by (seed, step) so resumed runs align the same way.</summary>
/// <param name="alignedVersion">Policy version the head was aligned to when the run (or resume) started.</param>
public sealed class DrafterAlignment(EagleTrainer trainer, SupervisionBuffer buffer, AlignmentOptions options, int seed, long alignedVersion = 0)
{
    /// <summary>Policy version of the newest records the head has trained on: what its weights are aligned to.</summary>
    public long AlignedVersion { get; private set; } = alignedVersion;

    /// <summary>Mean KL of the alignment steps (NaN when no record was fresh enough).</summary>
    public double Align(int step, long version)
    {
        var report = trainer.Align(buffer, version, options, new Random(seed + (7919 * (step + 1))));
        AlignedVersion = Math.Max(AlignedVersion, report.NewestVersion);
        return report.MeanKl;
    }
}
