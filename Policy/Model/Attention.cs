using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>Grouped-query self-attention with rotary positions and an optional KV cache.</summary>
public sealed class Attention : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear o_proj;
    private readonly RmsNorm? q_norm; // Qwen3: per-head RMSNorm before rotary
    private readonly RmsNorm? k_norm;
#pragma warning restore IDE1006
    private readonly int _layer;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    public Attention(PolicyConfig config, int layer, ScalarType? dtype = null, Device? device = null) : base(nameof(Attention))
    {
        _layer = layer;
        _heads = config.NumHeads;
        _kvHeads = config.NumKvHeads;
        _headDim = config.HeadDim;
        q_proj = nn.Linear(config.HiddenSize, _heads * _headDim, hasBias: config.AttentionBias, device, dtype);
        k_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: config.AttentionBias, device, dtype);
        v_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: config.AttentionBias, device, dtype);
        o_proj = nn.Linear(_heads * _headDim, config.HiddenSize, hasBias: false, device, dtype);
        q_norm = config.QkNorm ? new RmsNorm(_headDim, config.RmsNormEps, dtype, device) : null;
        k_norm = config.QkNorm ? new RmsNorm(_headDim, config.RmsNormEps, dtype, device) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("Attention needs a ForwardContext; call Forward(x, context).");

    internal Tensor Forward(Tensor x, ForwardContext ctx)
    {
        var (batch, time) = (x.shape[0], x.shape[1]);
        var q = Normed(q_norm, q_proj.call(x).view(batch, time, _heads, _headDim)).transpose(1, 2);    // [B, H, T, D]
        var k = Normed(k_norm, k_proj.call(x).view(batch, time, _kvHeads, _headDim)).transpose(1, 2);  // [B, KV, T, D]
        var v = v_proj.call(x).view(batch, time, _kvHeads, _headDim).transpose(1, 2);  // [B, KV, T, D]
        q = RotaryEmbedding.Apply(q, ctx.Cos, ctx.Sin);
        k = RotaryEmbedding.Apply(k, ctx.Cos, ctx.Sin);
        if (ctx.Cache is not null)
        {
            (k, v) = ctx.Cache.Write(_layer, k, v, ctx.WriteIndex!, ctx.KeySpan);       // [B, KV, S, D]
        }
        else if (ctx.Memory is not null)
        {
            (k, v) = ctx.Memory.Append(_layer, k, v);                                   // [B, KV, S, D]
        }

        var y = _kvHeads == _heads ? nn.functional.scaled_dot_product_attention(q, k, v, ctx.Mask, 0.0, ctx.Mask is null)
            : ctx.Mask is null ? CausalGrouped(q, k, v)
            : MaskedGrouped(q, k, v, ctx.Mask);                                                             // [B, H, T, D]
        return o_proj.call(y.transpose(1, 2).reshape(batch, time, _heads * _headDim));
    }

    private static Tensor Normed(RmsNorm? norm, Tensor x) => norm is null ? x : norm.call(x);

    /// <summary>
    /// Grouped-query attention without copying the cache: the G query heads that share a KV head are stacked along the
    /// query axis ([B, KV, G·T, D]), so each KV head is read once, in place, however long the cache is. Query head h
    /// uses KV head h / G, the layout HF checkpoints use.
    /// </summary>
    private Tensor MaskedGrouped(Tensor q, Tensor k, Tensor v, Tensor mask)
    {
        var (batch, time, groups) = (q.shape[0], q.shape[2], _heads / _kvHeads);
        var stacked = q.reshape(batch, _kvHeads, groups * time, _headDim);
        var y = nn.functional.scaled_dot_product_attention(stacked, k, v, mask.repeat(1, 1, groups, 1), 0.0, false); // [B, KV, G·T, D]
        return y.reshape(batch, _heads, time, _headDim);
    }

    /// <summary>
    /// The cache-free causal pass (training, log-prob recompute) keeps the fused causal kernel, which needs one key
    /// head per query head; there the keys are only T long and repeating them is cheap.
    /// </summary>
    private Tensor CausalGrouped(Tensor q, Tensor k, Tensor v)
    {
        var groups = _heads / _kvHeads;
        return nn.functional.scaled_dot_product_attention(q, k.repeat_interleave(groups, dim: 1), v.repeat_interleave(groups, dim: 1), null, 0.0, true);
    }
}
