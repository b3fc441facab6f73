using static TorchSharp.torch;

namespace RlSpec.Policy.Sampling;

/// <summary>
/// Draws tokens from probability rows given one uniform per row, on the rows' device: token i is chosen when
/// c(i−1) ≤ u·c(V−1) &lt; c(i), with c the running sum in float64. A token with zero mass spans an empty interval, so
/// it is never chosen, and u &lt; 1 keeps the draw inside the row.
/// </summary>
public static class InverseCdf
{
    /// <param name="probs">Probabilities [N, V], each row summing to about 1.</param>
    /// <param name="uniforms">One uniform in [0, 1) per row [N].</param>
    /// <returns>Token ids [N] (int64).</returns>
    public static Tensor Sample(Tensor probs, Tensor uniforms)
    {
        using var scope = NewDisposeScope();
        var cumulative = probs.to_type(ScalarType.Float64).cumsum(-1);                                   // [N, V]
        var target = uniforms.to(probs.device).to_type(ScalarType.Float64).unsqueeze(-1) * cumulative.narrow(-1, probs.shape[^1] - 1, 1);
        return searchsorted(cumulative, target, right: true).squeeze(-1).MoveToOuterDisposeScope();  // [N]
    }
}
