using static TorchSharp.torch;

namespace RlSpec.Drafter.Drafting;

/// <summary>
/// A drafter that reads the policy's own hidden states (MTP heads, EAGLE). The speculative decoder captures the
/// requested layers in forwards it runs anyway and hands over, per row, the states at the position whose main-head
/// output is the row's pending token, so drafting needs no extra policy forward.
/// </summary>
public interface IHiddenStateDrafter : IDrafter
{
    /// <summary>Layers to capture, as keys of <c>ForwardOutput.Hidden</c> (number of layers applied).</summary>
    IReadOnlyCollection<int> CaptureLayers { get; }

    /// <summary>
    /// Called after the prefill and after every verify step with [B, hidden] per captured layer. Rows whose
    /// <paramref name="valid"/> is false have no such position yet (a one-token prompt before its first step).
    /// The tensors belong to the caller's scope: keep copies.
    /// </summary>
    void ObserveHidden(IReadOnlyDictionary<int, Tensor> hidden, IReadOnlyList<bool> valid);
}
