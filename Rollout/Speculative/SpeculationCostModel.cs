namespace RlSpec.Rollout.Speculative;

/// <summary>
/// The wall-clock model speculation is judged by (Leviathan et al.): a verify step with k drafts emits E[τ](k) tokens
/// and costs k·T_draft + T_verify(k), against T_decode per token for plain decoding. All times are in the same unit;
/// ratios to T_decode are typical.
/// </summary>
/// <param name="DecodeSeconds">One plain decode step (policy forward of 1 token per row, plus sampling).</param>
/// <param name="DraftSecondsPerToken">Drafter time per proposed token.</param>
/// <param name="VerifySeconds">Verify step time (policy forward of k+1 tokens, rejection sampling, bookkeeping) indexed by k; index 0 is a plain step.</param>
public sealed record SpeculationCostModel(double DecodeSeconds, double DraftSecondsPerToken, IReadOnlyList<double> VerifySeconds)
{
    public int MaxK => VerifySeconds.Count - 1;

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
        k == 0 ? 1.0 : expectedTokens(k) * DecodeSeconds / ((k * DraftSecondsPerToken) + VerifySeconds[k]);

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
