using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Eagle;

namespace RlSpec.Trainer.Pipeline;

/// <summary>The drafter-alignment stage: a few optimizer steps of the EAGLE head on fresh records from the buffer,
/// sampled with a generator seeded by (seed, step) so resumed runs align the same way.</summary>
public sealed class DrafterAlignment(EagleTrainer trainer, SupervisionBuffer buffer, AlignmentOptions options, int seed)
{
    /// <summary>Mean KL of the alignment steps (NaN when no record was fresh enough).</summary>
    public double Align(int step, long version) =>
        trainer.Align(buffer, version, options, new Random(seed + (7919 * (step + 1)))).MeanKl;
}
