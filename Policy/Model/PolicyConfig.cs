namespace RlSpec.Policy.Model;

/// <summary>
/// Shape of a Llama/Qwen2/Qwen3-style decoder. Field meanings follow HF <c>config.json</c> so a checkpoint's
/// config maps one to one; see <see cref="Checkpoints.HfModelConfig"/>.
/// </summary>
/// <param name="VocabSize">Number of token ids the embedding and LM head cover.</param>
/// <param name="HiddenSize">Width of the residual stream.</param>
/// <param name="NumLayers">Number of decoder layers.</param>
/// <param name="NumHeads">Query heads per layer; <c>HiddenSize</c> must divide by it.</param>
/// <param name="NumKvHeads">Key/value heads (grouped-query attention); must divide <c>NumHeads</c>.</param>
/// <param name="IntermediateSize">Width of the SwiGLU MLP.</param>
/// <param name="RopeTheta">Base of the rotary position embedding frequencies.</param>
/// <param name="MaxPositions">Longest sequence (prompt + completion) the rotary tables cover.</param>
/// <param name="RmsNormEps">Epsilon inside RMSNorm.</param>
/// <param name="TieEmbeddings">Share the token embedding with the LM head (no <c>lm_head.weight</c>).</param>
/// <param name="AttentionBias">Bias on q/k/v projections (Qwen2 has it, Llama does not).</param>
/// <param name="ExplicitHeadDim">Width of one attention head when it is not HiddenSize / NumHeads (HF <c>head_dim</c>; Qwen3 sets it).</param>
/// <param name="QkNorm">Per-head RMSNorm on queries and keys before the rotary embedding (Qwen3's q_norm / k_norm).</param>
/// <param name="RopeScaling">Llama 3's rotary frequency scaling, or null for plain RoPE.</param>
/// <param name="MtpHeads">Extra multi-token-prediction heads (0 = none): head i predicts the token i+1 places after the
/// next one from the same final hidden state, so a speculative decoder can draft from them for free.</param>
public sealed record PolicyConfig(
    int VocabSize,
    int HiddenSize = 128,
    int NumLayers = 4,
    int NumHeads = 4,
    int NumKvHeads = 2,
    int IntermediateSize = 384,
    double RopeTheta = 10000.0,
    int MaxPositions = 256,
    double RmsNormEps = 1e-6,
    bool TieEmbeddings = true,
    bool AttentionBias = false,
    int MtpHeads = 0,
    int? ExplicitHeadDim = null,
    bool QkNorm = false,
    RopeScaling? RopeScaling = null)
{
    public int HeadDim => ExplicitHeadDim ?? HiddenSize / NumHeads;

    /// <summary>Throws with the offending field named when the shape is not buildable.</summary>
    public PolicyConfig Validated()
    {
        Require(VocabSize > 0, nameof(VocabSize), "must be positive");
        Require(HiddenSize > 0, nameof(HiddenSize), "must be positive");
        Require(NumLayers > 0, nameof(NumLayers), "must be positive");
        Require(NumHeads > 0 && (ExplicitHeadDim is not null || HiddenSize % NumHeads == 0), nameof(NumHeads), $"must be positive and divide HiddenSize ({HiddenSize}) unless ExplicitHeadDim is set");
        Require(ExplicitHeadDim is null or > 0, nameof(ExplicitHeadDim), "must be positive");
        Require(NumKvHeads > 0 && NumHeads % NumKvHeads == 0, nameof(NumKvHeads), $"must be positive and divide NumHeads ({NumHeads})");
        Require(HeadDim % 2 == 0, nameof(HeadDim), "must be even for rotary embeddings");
        Require(IntermediateSize > 0, nameof(IntermediateSize), "must be positive");
        Require(RopeTheta > 0, nameof(RopeTheta), "must be positive");
        Require(MaxPositions > 0, nameof(MaxPositions), "must be positive");
        Require(RmsNormEps > 0, nameof(RmsNormEps), "must be positive");
        Require(MtpHeads is >= 0 and <= 16, nameof(MtpHeads), "must be in 0..16");
        RopeScaling?.Validated();
        return this;
    }

    private void Require(bool ok, string field, string what)
    {
        if (!ok)
        {
            throw new ArgumentException($"PolicyConfig.{field} {what} (got {this}).");
        }
    }
}
