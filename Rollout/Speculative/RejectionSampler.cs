using static TorchSharp.torch;

namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Modified rejection sampling (Leviathan et al. 2023; Chen et al. 2023), batched with ragged draft lengths.
/// For draft position i with draft token x drawn from q_i, and target distribution p_i (the policy's
/// <em>processed</em> distribution, exactly as plain sampling would use):
/// <list type="bullet">
/// <item><b>accepted</b>: x is kept with probability min(1, p_i(x) / q_i(x)); positions are tried in order;</item>
/// <item><b>recovered</b>: at the first rejection a token is drawn from norm(max(0, p_i − q_i)) and the step ends;</item>
/// <item><b>bonus</b>: if every proposed token is accepted, one more token is drawn from p_{k+1}.</item>
/// </list>
/// Every emitted token is then distributed exactly as p. Deterministic drafters pass one-hot q; greedy targets
/// pass one-hot p, which reduces this to "accept while draft == argmax, then emit the argmax".
/// </summary>
public static class RejectionSampler
{
    /// <param name="target">Processed target distributions [B, k+1, V].</param>
    /// <param name="draft">Distributions the drafts were drawn from [B, k, V].</param>
    /// <param name="draftTokens">Proposed tokens [B, k] (entries past a row's draft count are ignored).</param>
    /// <param name="draftCounts">Tokens actually proposed per row (0..k).</param>
    /// <param name="uniforms">Uniform [0, 1) draws [B, k] for the accept tests.</param>
    /// <param name="sampler">Draws the recovered or bonus token of each row from [B, V] probabilities.</param>
    /// <param name="bias">A planted bug for the certificate's negative controls; <see cref="PlantedBias.None"/> everywhere else.</param>
    public static RejectionResult Sample(Tensor target, Tensor draft, Tensor draftTokens, Tensor draftCounts, Tensor uniforms, Func<Tensor, Tensor> sampler,
        PlantedBias bias = PlantedBias.None)
    {
        using var scope = NewDisposeScope();
        var (batch, k) = (draftTokens.shape[0], draftTokens.shape[1]);
        var rows = TensorArithmetic.Arange(batch, target.device);
        Tensor accepted;                                                                  // [B]
        Tensor finalDist;                                                                 // [B, V]
        if (k == 0)
        {
            accepted = zeros(batch, ScalarType.Int64, device: target.device);
            finalDist = target[.., 0];
        }
        else
        {
            var accept = AcceptMask(target.narrow(1, 0, k), draft, draftTokens, uniforms);   // [B, k]
            var proposed = TensorArithmetic.Arange(k, target.device).unsqueeze(0) < draftCounts.unsqueeze(1);
            // A row's accepted count is the length of its leading run of accepted, proposed positions.
            accepted = (accept & proposed).to_type(ScalarType.Int64).cumprod(1).sum(1);
            if (bias == PlantedBias.AcceptOffByOne)
            {
                accepted = minimum(accepted.Plus(1), draftCounts);
            }

            var stop = accepted.ClampMax(k - 1);                                          // where a recovery would be drawn
            var recovery = bias == PlantedBias.ResidualFromTarget ? target[rows, stop] : RecoveryDistribution(target[rows, stop], draft[rows, stop]);  // [B, V]
            var bonus = bias == PlantedBias.BonusFromDraft
                ? where((draftCounts > TensorArithmetic.Zero).unsqueeze(1), draft[rows, draftCounts.Minus(1).ClampMin(0)], target[rows, accepted])
                : target[rows, accepted];                                                 // p_{a+1}: used when all proposals accepted
            var allAccepted = (accepted == draftCounts).unsqueeze(1);
            finalDist = where(allAccepted, bonus, recovery);
        }

        var finalToken = sampler(finalDist);                                              // [B]
        return new RejectionResult(accepted.MoveToOuterDisposeScope(), finalToken.MoveToOuterDisposeScope());
    }

    /// <summary>True where u &lt; min(1, p(x)/q(x)), written as u·q(x) &lt; p(x) so q(x)=0 cannot divide by zero.</summary>
    public static Tensor AcceptMask(Tensor target, Tensor draft, Tensor draftTokens, Tensor uniforms)
    {
        var index = draftTokens.unsqueeze(-1);
        var p = target.gather(-1, index).squeeze(-1);
        var q = draft.gather(-1, index).squeeze(-1);
        return uniforms * q < p;
    }

    /// <summary>The acceptance probability min(1, p(x)/q(x)) of draft token x.</summary>
    public static Tensor AcceptProbability(Tensor target, Tensor draft, Tensor draftTokens)
    {
        var index = draftTokens.unsqueeze(-1);
        var p = target.gather(-1, index).squeeze(-1);
        var q = draft.gather(-1, index).squeeze(-1);
        return (p / q).ClampMax(1.0);
    }

    /// <summary>
    /// norm(max(0, p − q)) per row [N, V]. Where p ≤ q everywhere (possible only through rounding, since a
    /// rejection has probability 1 − Σmin(p, q) = 0 when p = q), falls back to p.
    /// </summary>
    public static Tensor RecoveryDistribution(Tensor target, Tensor draft)
    {
        var residual = (target - draft).ClampMin(0);
        var mass = residual.sum(-1, keepdim: true);
        return where(mass > TensorArithmetic.Zero, residual / mass.ClampMin(1e-30), target);
    }
}
