using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>
/// The token embedding table [V, hidden]. Not TorchSharp's nn.Embedding: that one always fills a CPU table with normal
/// noise before moving it to the requested device (seconds and a full extra copy for a 128k vocabulary, even on the
/// meta device), while every caller here initialises or loads the weights itself.
/// </summary>
public sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    public TokenEmbedding(long vocabSize, long hiddenSize, ScalarType? dtype = null, Device? device = null) : base(nameof(TokenEmbedding)) =>
        weight = new Parameter(zeros([vocabSize, hiddenSize], dtype, device));

#pragma warning disable IDE1006 // the checkpoint key
    /// <summary>The table, kept only in the registered parameters and settable, as TorchSharp's own modules keep theirs.</summary>
    public Parameter weight
#pragma warning restore IDE1006
    {
        get => get_parameter(nameof(weight))!;
        set => ConditionallyRegisterParameter(nameof(weight), value);
    }

    /// <param name="ids">Token ids of any shape; returns their rows, shape [..., hidden].</param>
    public override Tensor forward(Tensor ids) => weight.index_select(0, ids.reshape(-1)).view([.. ids.shape, weight.shape[1]]);
}
