using RlSpec.Policy.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Eagle;

/// <summary>
/// EAGLE-3 style draft head: one decoder layer over a sequence of (state, next-token) pairs. A committed position
/// contributes its fused low/mid/high policy features and the token that followed it; a draft step contributes the
/// head's own previous output and the token just drafted. The head attends over the whole committed prefix (its
/// own KV cache when drafting) plus the draft chain, and the policy's final norm and LM head turn its output into
/// the next guess. Embedding and LM head are borrowed from the policy per call, never copied or registered.
/// </summary>
public sealed class EagleHead : nn.Module
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly Linear fc;
    private readonly RmsNorm hidden_norm;
    private readonly RmsNorm input_layernorm;
    private readonly Linear input_proj;
    private readonly CausalBlock block;
    private readonly Parameter? chunk_embed;   // [MaxChain, hidden]: the chunk drafter's placeholder inputs
#pragma warning restore IDE1006

    public EagleHead(PolicyConfig policy, EagleConfig config) : base(nameof(EagleHead))
    {
        Config = config.ValidatedFor(policy);
        var hidden = policy.HiddenSize;
        fc = nn.Linear(config.FeatureLayers.Count * hidden, hidden, hasBias: false);
        hidden_norm = new RmsNorm(hidden, policy.RmsNormEps);
        input_layernorm = new RmsNorm(hidden, policy.RmsNormEps);
        input_proj = nn.Linear(2 * hidden, hidden, hasBias: false);
        block = new CausalBlock(policy, policy.MaxPositions + config.MaxChain);
        chunk_embed = config.Chunk ? nn.Parameter(randn(config.MaxChain, hidden).Times(0.02)) : null;
        RegisterComponents();
    }

    public EagleConfig Config { get; }

    /// <summary>A KV cache for drafting <paramref name="batchSize"/> rows.</summary>
    public KvCache NewCache(int batchSize, int capacity, Device device) => block.NewCache(batchSize, capacity + Config.MaxChain, device);

    /// <summary>Pair inputs [..., hidden] for committed positions: fused features [..., layers × hidden] and the following tokens.</summary>
    /// <remarks>Captured features are stored in float32; they enter the head in its own dtype (the policy's).</remarks>
    public Tensor ContextInputs(PolicyModel policy, Tensor features, Tensor nextTokens) => Inputs(policy, fc.call(features.to_type(fc.weight!.dtype)), nextTokens);

    /// <summary>Pair inputs [..., hidden] for draft steps: the head's own output states and the drafted tokens.</summary>
    public Tensor Inputs(PolicyModel policy, Tensor states, Tensor tokens) =>
        input_proj.call(cat([hidden_norm.call(states), input_layernorm.call(policy.Embed(tokens))], -1));

    /// <summary>Appends pair inputs [B, T, hidden] to a drafting cache; returns the head's outputs there.</summary>
    public Tensor Extend(Tensor inputs, KvCache cache, IReadOnlyList<int>? validCounts = null) => block.Forward(inputs, cache, validCounts);

    /// <summary>
    /// Chunk drafting: logits [n, k, V] for the k tokens after each row's pending one, from one forward. Position 0 is
    /// the head's output at the newest committed pair (<paramref name="state"/> [n, hidden], as EAGLE's first draft);
    /// positions 1..k−1 are learned placeholders appended after the committed pairs in <paramref name="cache"/> (the caller
    /// rolls them back), each attending to the context and to the placeholders before it, never to drafted tokens, so
    /// each position's distribution is the same whatever was drafted before it.
    /// </summary>
    public Tensor DraftChunk(PolicyModel policy, Tensor state, KvCache cache, int k)
    {
        var first = policy.HeadLogits(state).unsqueeze(1);                                              // [n, 1, V]
        if (k == 1)
        {
            return first;
        }

        var placeholders = Placeholders(k - 1).unsqueeze(0).expand(state.shape[0], k - 1, -1);          // [n, k−1, H]
        return cat([first, policy.HeadLogits(block.Forward(placeholders, cache))], 1);
    }

    /// <summary>
    /// Training-time test over whole sequences: chain c starts after row c and step j (0-based) predicts the token
    /// j+2 after row c. Step j's queries see the policy-feature pairs up to row c and chain c's own earlier steps,
    /// exactly what drafting at that point sees, at the same positions. EAGLE feeds each step the previous step's output
    /// and the real token, so it unrolls one forward per step; the chunk head feeds placeholders, so one forward does all.
    /// </summary>
    /// <param name="features">Fused-layer features [N, T, layers × hidden].</param>
    /// <param name="tokensAfter">tokensAfter(i) is the token i+1 places after each row [N, T].</param>
    /// <returns>Logits [N, T, V] for every step.</returns>
    public List<Tensor> Unroll(PolicyModel policy, Tensor features, Func<int, Tensor> tokensAfter, int depth)
    {
        var (batch, time) = (features.shape[0], features.shape[1]);
        var context = ContextInputs(policy, features, tokensAfter(0));                                 // [N, T, H]
        if (Config.Chunk)
        {
            var placeholders = Enumerable.Range(0, depth - 1).Select(j => Placeholders(depth - 1)[j].view(1, 1, -1).expand(batch, time, -1));
            var (positions, mask) = ChainLayout(depth, time, features.device);
            var output = block.Forward(cat([context, .. placeholders], 1), positions.unsqueeze(0).expand(batch, -1), mask);
            return Enumerable.Range(0, depth).Select(j => policy.HeadLogits(output.narrow(1, j * time, time))).ToList();
        }

        // Step j computes only its own segment's queries; the earlier segments' keys and values stay in the memory, since
        // their outputs (which never see later segments) would come out the same again.
        var memory = new AttentionMemory();
        var (logits, input) = (new List<Tensor>(), context);
        for (var j = 0; j < depth; j++)
        {
            var (positions, mask) = ChainLayout(j + 1, time, features.device);
            var newest = positions.narrow(0, j * time, time).unsqueeze(0).expand(batch, -1);
            var output = block.Forward(input, newest, mask.narrow(2, j * time, time), memory);
            logits.Add(policy.HeadLogits(output));
            if (j + 1 < depth)
            {
                input = Inputs(policy, output, tokensAfter(j + 1));
            }
        }

        return logits;
    }

    private Tensor Placeholders(int count) =>
        (chunk_embed ?? throw new InvalidOperationException("this head drafts sequentially (EagleConfig.Chunk is false)")).narrow(0, 0, count);

    /// <summary>
    /// Positions and mask for <paramref name="segments"/> stacked copies of T rows: element (i, r) is chain r's step i
    /// (i = 0: the policy pair at row r) at position r + i. It attends to policy pairs at rows ≤ r and to its own
    /// chain's earlier steps.
    /// </summary>
    private static (Tensor Positions, Tensor Mask) ChainLayout(int segments, long time, Device device)
    {
        var index = TensorArithmetic.Arange(segments * time, device);
        using var rows = time.ToScalar();
        var (segment, row) = (index.div(rows, rounding_mode: RoundingMode.floor), index.remainder(rows));
        var positions = row.Plus(segment);
        var (qs, qr, ks, kr) = (segment.unsqueeze(1), row.unsqueeze(1), segment.unsqueeze(0), row.unsqueeze(0));
        var mask = (ks.eq(TensorArithmetic.Zero) & kr.le(qr)) | (ks.ge(TensorArithmetic.One) & ks.le(qs) & kr.eq(qr));
        return (positions, mask.view(1, 1, segments * time, segments * time));
    }
}
