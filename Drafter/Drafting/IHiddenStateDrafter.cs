using static TorchSharp.torch;

namespace RlSpec.Drafter.Drafting;

/// <summary>
/// A drafter that reads the policy's own hidden states (MTP heads, EAGLE). The speculative decoder captures the
/// requested layers in the forwards it runs anyway (prefill and every verify) and hands them over with what was
/// committed, so drafting needs no extra policy forward.
/// </summary>
public interface IHiddenStateDrafter : IDrafter
{
    /// <summary>Layers to capture, as keys of <c>ForwardOutput.Hidden</c> (number of layers applied).</summary>
    IReadOnlyCollection<int> CaptureLayers { get; }

    /// <summary>
    /// Called after the prefill and after every verify step with the states [B, T, hidden] of the T fed positions.
    /// Row b's first <paramref name="committed"/>[b] positions are now part of its sequence (0 = nothing new, e.g.
    /// a finished row), and <paramref name="nextTokens"/>[b][i] is the token that follows committed position i, so
    /// the last committed position's output is the row's pending token. The tensors belong to the caller: keep copies.
    /// </summary>
    void ObserveHidden(IReadOnlyDictionary<int, Tensor> hidden, IReadOnlyList<int> committed, IReadOnlyList<IReadOnlyList<int>> nextTokens);
}
