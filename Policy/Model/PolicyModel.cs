using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>
/// Llama/Qwen2/Qwen3-style decoder-only policy. One <see cref="Forward"/> serves prefill, decode, multi-token
/// verification and training; the only difference between them is whether a <see cref="KvCache"/> is passed
/// and how many tokens are fed. Batches are right-padded: sequence b's real tokens come first, and
/// <c>validCounts</c> says how many of the T fed tokens are real so the cache only keeps those.
/// </summary>
public sealed class PolicyModel : nn.Module
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly DecoderStack model;
    private readonly Linear? lm_head;
    private readonly RotaryEmbedding rotary_emb;
    private readonly ModuleList<MtpHead>? mtp_heads;
#pragma warning restore IDE1006

    /// <param name="dtype">Parameter dtype (default float32); checkpoints load straight into parameters of this type.</param>
    /// <param name="device">Where parameters are allocated (default CPU), so a loaded model never passes through host memory whole.</param>
    public PolicyModel(PolicyConfig config, ScalarType? dtype = null, Device? device = null) : base(nameof(PolicyModel))
    {
        Config = config.Validated();
        model = new DecoderStack(config, dtype, device);
        lm_head = config.TieEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false, device, dtype);
        rotary_emb = new RotaryEmbedding(config.HeadDim, config.MaxPositions, config.RopeTheta, config.RopeScaling);
        mtp_heads = config.MtpHeads > 0 ? new ModuleList<MtpHead>(Enumerable.Range(0, config.MtpHeads).Select(_ => new MtpHead(config, dtype, device)).ToArray()) : null;
        RegisterComponents();
    }

    public PolicyConfig Config { get; }

    public Device Device => model.embed_tokens.weight!.device;

    /// <summary>Parameter dtype; KV caches and activations follow it, logits are float32.</summary>
    public ScalarType DType => model.embed_tokens.weight!.dtype;

    /// <summary>Token embedding table [V, hidden], shared with drafters that reuse it.</summary>
    public Tensor EmbeddingWeight => model.embed_tokens.weight!;

    /// <summary>A cache on this model's device for <paramref name="batchSize"/> sequences of up to <paramref name="capacity"/> positions.</summary>
    public KvCache NewCache(int batchSize, int capacity) => new(Config, batchSize, capacity, Device, DType);

    /// <param name="inputIds">Token ids [B, T], right-padded.</param>
    /// <param name="cache">Cache holding earlier positions; new keys/values are written after each sequence's length.</param>
    /// <param name="validCounts">Real tokens per sequence among the T fed (default: all T); the cache advances by these.</param>
    /// <param name="captureLayers">Hidden states to return, by number of layers applied (0 = embeddings).</param>
    public ForwardOutput Forward(Tensor inputIds, KvCache? cache = null, IReadOnlyList<int>? validCounts = null, IReadOnlyCollection<int>? captureLayers = null)
    {
        using var scope = NewDisposeScope();
        var (batch, time) = (inputIds.shape[0], inputIds.shape[1]);
        var contexts = new ContextBuilder(Config, rotary_emb);
        var ctx = cache is null ? contexts.Causal(batch, time, Device) : contexts.Cached(cache, batch, time, validCounts, Device);
        var hidden = new Dictionary<int, Tensor>();
        var x = model.embed_tokens.call(inputIds);                          // [B, T, hidden]
        Capture(0, x);
        for (var i = 0; i < model.layers.Count; i++)
        {
            x = model.layers[i].Forward(x, ctx);
            Capture(i + 1, x);
        }

        var logits = LmHead(model.norm.call(x));                               // [B, T, V]
        cache?.Advance(validCounts ?? Enumerable.Repeat((int)time, (int)batch).ToArray());
        foreach (var h in hidden.Values)
        {
            h.MoveToOuterDisposeScope();
        }

        return new ForwardOutput(logits.to_type(ScalarType.Float32).MoveToOuterDisposeScope(), hidden);

        void Capture(int layer, Tensor h)
        {
            if (captureLayers?.Contains(layer) == true)
            {
                hidden[layer] = h;
            }
        }
    }

    /// <summary>Index of the final layer's hidden state in <see cref="ForwardOutput.Hidden"/> (what MTP heads read).</summary>
    public int FinalLayer => Config.NumLayers;

    /// <summary>
    /// Logits [N, heads, V] of the MTP heads from final hidden states [N, hidden]: head i (0-based) predicts the
    /// token i+2 places after the state's position, i.e. i+1 after the token the main head predicts.
    /// </summary>
    public Tensor MtpLogits(Tensor hidden)
    {
        if (mtp_heads is null)
        {
            throw new InvalidOperationException("this policy has no MTP heads (PolicyConfig.MtpHeads = 0).");
        }

        return stack(mtp_heads.Select(head => LmHead(model.norm.call(head.call(hidden)))).ToList(), dim: 1).to_type(ScalarType.Float32);
    }

    /// <summary>Parameters of the MTP heads alone (trained while the policy stays frozen).</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> MtpParameters() => mtp_heads?.parameters() ?? [];

    /// <summary>
    /// Logits from residual-stream states [..., hidden] through the final norm and LM head, for drafter heads that
    /// share them. The weights are detached: a drafter's loss reaches its own states, never the policy's gradients.
    /// </summary>
    public Tensor HeadLogits(Tensor hidden)
    {
        var head = (lm_head?.weight ?? model.embed_tokens.weight!).detach();
        return model.norm.ForwardFrozen(hidden).matmul(head.t()).to_type(ScalarType.Float32);
    }

    /// <summary>Token embeddings [..., hidden] from the policy's own table, detached (shared with drafter heads, not copied).</summary>
    public Tensor Embed(Tensor ids) => model.embed_tokens.weight!.detach()[ids];

    private Tensor LmHead(Tensor normed) => lm_head is null ? normed.matmul(model.embed_tokens.weight!.t()) : lm_head.call(normed);

    /// <summary>Log-probabilities [B, T] of <paramref name="targets"/> under raw logits [B, T, V] (no sampling processing).</summary>
    public static Tensor TokenLogProbs(Tensor logits, Tensor targets) =>
        logits.log_softmax(-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1);
}
