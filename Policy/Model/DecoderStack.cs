using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>The <c>model.*</c> part of a Llama/Qwen checkpoint: embeddings, decoder layers, final norm.</summary>
public sealed class DecoderStack : nn.Module
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    internal readonly TokenEmbedding embed_tokens;
    internal readonly ModuleList<DecoderLayer> layers;
    internal readonly RmsNorm norm;
#pragma warning restore IDE1006

    public DecoderStack(PolicyConfig config, ScalarType? dtype = null, Device? device = null) : base(nameof(DecoderStack))
    {
        embed_tokens = new TokenEmbedding(config.VocabSize, config.HiddenSize, dtype, device);
        layers = new ModuleList<DecoderLayer>(Enumerable.Range(0, config.NumLayers).Select(i => new DecoderLayer(config, i, dtype, device)).ToArray());
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        RegisterComponents();
    }
}
