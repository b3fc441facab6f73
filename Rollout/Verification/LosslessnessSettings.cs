using RlSpec.Rollout.Speculative;

namespace RlSpec.Rollout.Verification;

/// <summary>How thoroughly to compare plain and speculative sampling.</summary>
/// <param name="Positions">Completion length generated, and tested position by position (default 32).</param>
/// <param name="WindowLength">Length of the joint windows of consecutive tokens also tested (default 3).</param>
/// <param name="WindowEvery">A window starts every this many positions, so windows cover the whole length (default 8).</param>
/// <param name="FamilyAlpha">False-alarm rate of the whole run; each test uses FamilyAlpha / tests (Bonferroni) (default 0.01).</param>
/// <param name="LogprobTolerance">Largest allowed |speculative log-prob − fresh policy log-prob|, trained and processed (default 1e-5).</param>
/// <param name="LogprobSamples">Speculative samples per prompt re-scored with a fresh forward (default 32).</param>
/// <param name="Slots">Sequences decoded together; all prompts share the batch, so rows are ragged (default 256).</param>
/// <param name="Bias">A planted verification bug (negative control); <see cref="PlantedBias.None"/> for the real certificate.</param>
public sealed record LosslessnessSettings(
    int Positions = 32,
    int WindowLength = 3,
    int WindowEvery = 8,
    double FamilyAlpha = 0.01,
    double LogprobTolerance = 1e-5,
    int LogprobSamples = 32,
    int Slots = 256,
    PlantedBias Bias = PlantedBias.None);
