using static TorchSharp.torch;

namespace RlSpec.Drafter.Drafting;

/// <summary>
/// The alignment loss every drafter trains with: forward KL(p_policy ‖ q_drafter) averaged over masked positions.
/// Its gradient is soft cross-entropy against the policy's detached distribution, and lowering it raises the
/// acceptance rate 1 − TV(p, q).
/// </summary>
public static class ForwardKl
{
    /// <param name="teacher">Policy log-probabilities [..., V] (detached).</param>
    /// <param name="student">Drafter log-probabilities [..., V].</param>
    /// <param name="mask">1 where a position counts [...]; an empty mask gives 0.</param>
    public static Tensor MaskedMean(Tensor teacher, Tensor student, Tensor mask) =>
        ((teacher.exp() * (teacher - student)).sum(-1) * mask).sum() / mask.sum().ClampMin(1);
}
