using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>What every layer needs for one forward pass, computed once per pass.</summary>
/// <param name="Cos">Rotary cos at each new token's position, [B, 1, T, D].</param>
/// <param name="Sin">Rotary sin at each new token's position, [B, 1, T, D].</param>
/// <param name="Mask">Boolean attention mask [B, 1, T, S] (true = attend); null means plain causal over the T new tokens.</param>
/// <param name="Cache">KV cache to write into and read from, or null for a cache-free (training) pass.</param>
/// <param name="WriteIndex">Cache slot of each new token expanded to [B, KV, T, D]; null without a cache.</param>
/// <param name="KeySpan">Number of cache slots attention reads (S).</param>
/// <param name="Memory">Keys and values of earlier cache-free passes this one also attends to (after them in the mask's
/// key axis, its own come last), or null.</param>
internal sealed record ForwardContext(Tensor Cos, Tensor Sin, Tensor? Mask, KvCache? Cache, Tensor? WriteIndex, long KeySpan, AttentionMemory? Memory = null);
