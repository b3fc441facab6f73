using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>
/// One decoder layer with its own rotary table and, optionally, its own KV cache: the body of drafter heads
/// (EAGLE). It runs the same three ways as the policy (causal, cached with per-row lengths) plus with explicit
/// positions and mask, which training-time-test unrolling needs.
/// </summary>
public sealed class CausalBlock : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly DecoderLayer layer;
    private readonly RotaryEmbedding rotary_emb;
#pragma warning restore IDE1006
    private readonly PolicyConfig _config;

    public CausalBlock(PolicyConfig config, int maxPositions) : base(nameof(CausalBlock))
    {
        _config = config with { NumLayers = 1, MaxPositions = maxPositions, MtpHeads = 0 };
        layer = new DecoderLayer(_config, 0);
        rotary_emb = new RotaryEmbedding(config.HeadDim, maxPositions, config.RopeTheta, config.RopeScaling);
        RegisterComponents();
    }

    /// <summary>A cache for this block on <paramref name="device"/>.</summary>
    public KvCache NewCache(int batchSize, int capacity, Device device) => new(_config, batchSize, capacity, device, parameters().First().dtype);

    /// <summary>Plain causal pass over positions 0..T-1 of <paramref name="x"/> [B, T, hidden].</summary>
    public override Tensor forward(Tensor x) => layer.Forward(x, Contexts.Causal(x.shape[0], x.shape[1], x.device));

    /// <summary>Appends <paramref name="x"/> [B, T, hidden] after each row's cached positions (the cache advances by <paramref name="validCounts"/>).</summary>
    public Tensor Forward(Tensor x, KvCache cache, IReadOnlyList<int>? validCounts = null)
    {
        var output = layer.Forward(x, Contexts.Cached(cache, x.shape[0], x.shape[1], validCounts, x.device));
        cache.Advance(validCounts ?? Enumerable.Repeat((int)x.shape[1], (int)x.shape[0]).ToArray());
        return output;
    }

    /// <summary>
    /// Cache-free pass with explicit <paramref name="positions"/> [B, T] and boolean <paramref name="mask"/> [B or 1, 1, T, S];
    /// with <paramref name="memory"/> the keys are its S − T earlier ones, then these T (which it keeps for the next pass).
    /// </summary>
    public Tensor Forward(Tensor x, Tensor positions, Tensor mask, AttentionMemory? memory = null) => layer.Forward(x, Contexts.Explicit(positions, mask, memory));

    private ContextBuilder Contexts => new(_config, rotary_emb);
}
