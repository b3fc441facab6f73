using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>Result of one policy forward pass.</summary>
/// <param name="Logits">Raw next-token logits [B, T, V] (float32), before any sampling processing.</param>
/// <param name="Hidden">Requested hidden states [B, T, hidden]: key i is the residual stream after i layers (0 = embeddings).</param>
public sealed record ForwardOutput(Tensor Logits, IReadOnlyDictionary<int, Tensor> Hidden) : IDisposable
{
    public void Dispose()
    {
        Logits.Dispose();
        foreach (var h in Hidden.Values)
        {
            h.Dispose();
        }
    }
}
