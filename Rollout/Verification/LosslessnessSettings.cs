using RlSpec.Rollout.Speculative;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Verification;

/// <summary>How thoroughly to compare plain and speculative sampling.</summary>
/// <param name="Positions">Completion length generated, and tested position by position (default 32).</param>
/// <param name="WindowLength">Length of the joint windows of consecutive tokens also tested (default 3).</param>
/// <param name="WindowEvery">A window starts every this many positions, so windows cover the whole length (default 8).</param>
/// <param name="FamilyAlpha">False-alarm rate of the whole run; each test uses FamilyAlpha / tests (Bonferroni) (default 0.01).</param>
/// <param name="LogprobTolerance">Largest allowed |speculative log-prob − fresh policy log-prob|, trained and processed (default 1e-5; see <see cref="For"/>).</param>
/// <param name="LogprobSamples">Speculative samples per prompt re-scored with a fresh forward (default 32).</param>
/// <param name="Slots">Sequences decoded together; all prompts share the batch, so rows are ragged (default 256).</param>
/// <param name="Bias">A planted verification bug (negative control); <see cref="PlantedBias.None"/> for the real certificate.</param>
/// <param name="CheckGreedy">Hold greedy cases to token-for-token identity (default true; off in half precision, see <see cref="For"/>).</param>
public sealed record LosslessnessSettings(
    int Positions = 32,
    int WindowLength = 3,
    int WindowEvery = 8,
    double FamilyAlpha = 0.01,
    double LogprobTolerance = 1e-5,
    int LogprobSamples = 32,
    int Slots = 256,
    PlantedBias Bias = PlantedBias.None,
    bool CheckGreedy = true)
{
    /// <summary>
    /// The defaults for a policy whose parameters are <paramref name="dtype"/>. A verify forward over k+1 tokens and a
    /// fresh forward over the whole sequence round differently; in half precision that is visible in the log-probs, so
    /// their tolerance is 8 units of the dtype's epsilon (bfloat16: 0.0625, float16: 0.0078), and greedy decoding, which
    /// follows the argmax, flips wherever two logits tie within that rounding, so greedy cases are reported, not held to
    /// identity. The distribution tests of sampled cases are unchanged.
    /// </summary>
    /// <remarks>
    /// float64 is how rounding is told from a bug: the verify forward's and the fresh forward's logits then agree far
    /// below float32's resolution, and log-probs are taken in float32 from float32-rounded logits, so they agree to the
    /// bit unless a logit lands on the other side of a rounding boundary (about once in 1e8 logits; one ulp is 9.5e-7 at
    /// magnitudes 8 to 16, which bounds |log p| of any token sampled in practice). The tolerance is 1e-6, ten times
    /// tighter than float32's, where a ragged cached batch and an uncached forward over a trained policy's sharp logits
    /// differ by up to about 1e-5.
    /// </remarks>
    public static LosslessnessSettings For(ScalarType dtype) => dtype == ScalarType.Float64
        ? new() { LogprobTolerance = 1e-6 }
        : Epsilon(dtype) is var eps && eps > 0
            ? new() { LogprobTolerance = 8 * eps, CheckGreedy = false }
            : new();

    private static double Epsilon(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => Math.Pow(2, -7),
        ScalarType.Float16 => Math.Pow(2, -10),
        _ => 0,
    };
}
