namespace RlSpec.Rollout.Verification;

/// <summary>How thoroughly to compare plain and speculative sampling.</summary>
/// <param name="Positions">Completion positions whose token distribution is tested separately (default 6).</param>
/// <param name="SequenceLength">Length of the whole-prefix joint distribution that is also tested (default 3).</param>
/// <param name="FamilyAlpha">False-alarm rate of the whole run; each test uses FamilyAlpha / tests (Bonferroni) (default 0.01).</param>
/// <param name="LogprobTolerance">Largest allowed |speculative log-prob − fresh policy log-prob| (default 1e-3).</param>
/// <param name="LogprobSamples">Speculative samples per prompt re-scored with a fresh forward (default 32).</param>
/// <param name="ChunkSize">Rows generated per batch (default 256).</param>
/// <param name="Adaptive">Let the adaptive controller vary k while checking (default false: always k).</param>
public sealed record LosslessnessSettings(
    int Positions = 6,
    int SequenceLength = 3,
    double FamilyAlpha = 0.01,
    double LogprobTolerance = 1e-3,
    int LogprobSamples = 32,
    int ChunkSize = 256,
    bool Adaptive = false);
