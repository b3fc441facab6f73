namespace RlSpec.Rollout.Speculative;

/// <summary>
/// The wall-clock model speculation is judged by (Leviathan et al.): a verify step with k drafts emits E[τ](k) tokens
/// and costs k·T_draft + T_verify(k), against T_decode per token for plain decoding. All times are in the same unit;
/// ratios to T_decode are typical.
/// </summary>
/// <param name="DecodeSeconds">One plain decode step (policy forward of 1 token per row, plus sampling).</param>
/// <param name="StepSeconds">A speculative step with k drafts, indexed by k: drafting them (k·T_draft, and whatever a drafter
/// pays per step whatever k is: reading the newly committed positions) plus verifying them (policy forward of k+1 tokens,
/// rejection sampling, bookkeeping); index 0 is a plain step.</param>
public sealed record SpeculationCostModel(double DecodeSeconds, IReadOnlyList<double> StepSeconds)
{
    public int MaxK => StepSeconds.Count - 1;

    /// <summary>The textbook form: k drafts at <paramref name="draftSecondsPerToken"/> each plus the verify cost at k.</summary>
    public static SpeculationCostModel FromParts(double decodeSeconds, double draftSecondsPerToken, IReadOnlyList<double> verifySeconds) =>
        new(decodeSeconds, [.. verifySeconds.Select((verify, k) => (k * draftSecondsPerToken) + verify)]);

    /// <summary>
    /// Expected tokens emitted per verify step with i.i.d. acceptance α: (1 − α^{k+1}) / (1 − α). The controller measures
    /// acceptance by position instead (<see cref="AcceptanceByPosition"/>); this is the textbook reference it is tested against.
    /// </summary>
    public static double ExpectedTokens(double alpha, int k)
    {
        alpha = Math.Clamp(alpha, 0.0, 1.0);
        return alpha >= 1.0 ? k + 1 : (1 - Math.Pow(alpha, k + 1)) / (1 - alpha);
    }

    /// <summary>Predicted speedup over plain decoding when a step with k drafts emits <paramref name="expectedTokens"/>(k); exactly 1 at k = 0.</summary>
    public double Speedup(Func<int, double> expectedTokens, int k) =>
        k == 0 ? 1.0 : expectedTokens(k) * DecodeSeconds / StepSeconds[k];

    /// <summary>
    /// The k in 0..MaxK with the highest predicted speedup (0 = speculation off); never predicted slower than plain.
    /// Speculation must beat plain decoding by <paramref name="margin"/> to be switched on, so estimation noise
    /// near break-even does not make it flap into steps that are really slower.
    /// </summary>
    public int BestK(Func<int, double> expectedTokens, double margin = 0.05)
    {
        var best = 0;
        for (var k = 1; k <= MaxK; k++)
        {
            var needed = best == 0 ? 1 + margin : Speedup(expectedTokens, best);
            if (Speedup(expectedTokens, k) > needed)
            {
                best = k;
            }
        }

        return best;
    }
}
