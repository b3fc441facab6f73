using static TorchSharp.torch;

namespace RlSpec.Rollout.Verification;

/// <summary>How thoroughly to compare plain and speculative sampling.</summary>
/// <param name="Positions">Completion positions whose token distribution is tested separately (default 6).</param>
/// <param name="SequenceLength">Length of the whole-prefix joint distribution that is also tested (default 3).</param>
/// <param name="FamilyAlpha">False-alarm rate of the whole run; each test uses FamilyAlpha / tests (Bonferroni) (default 0.01).</param>
/// <param name="LogprobTolerance">Largest allowed |speculative log-prob − fresh policy log-prob| (default 1e-3; see <see cref="For"/>).</param>
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
    bool Adaptive = false)
{
    /// <summary>
    /// The defaults for a policy whose parameters are <paramref name="dtype"/>. A verify forward over k+1 tokens and a
    /// fresh forward over the whole sequence round differently; in half precision that is visible in the log-probs, so
    /// their tolerance is 8 units of the dtype's epsilon (bfloat16: 0.0625, float16: 0.0078) when that exceeds 1e-3.
    /// The distribution tests are unchanged.
    /// </summary>
    public static LosslessnessSettings For(ScalarType dtype) => new() { LogprobTolerance = Math.Max(1e-3, 8 * Epsilon(dtype)) };

    private static double Epsilon(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => Math.Pow(2, -7),
        ScalarType.Float16 => Math.Pow(2, -10),
        _ => Math.Pow(2, -23),
    };
}
