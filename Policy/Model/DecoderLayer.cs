using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>Pre-norm transformer block: x + attn(norm(x)), then + mlp(norm(x)).</summary>
public sealed class DecoderLayer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly RmsNorm input_layernorm;
    private readonly Attention self_attn;
    private readonly RmsNorm post_attention_layernorm;
    private readonly Mlp mlp;
#pragma warning restore IDE1006

    public DecoderLayer(PolicyConfig config, int layer, ScalarType? dtype = null, Device? device = null) : base(nameof(DecoderLayer))
    {
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        self_attn = new Attention(config, layer, dtype, device);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        mlp = new Mlp(config, dtype, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("DecoderLayer needs a ForwardContext.");

    internal Tensor Forward(Tensor x, ForwardContext ctx)
    {
        x = x.Plus(self_attn.Forward(input_layernorm.call(x), ctx));
        return x.Plus(mlp.call(post_attention_layernorm.call(x)));
    }
}
