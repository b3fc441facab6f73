using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Chunk;

/// <summary>
/// The chunk drafter: all k draft tokens from one forward of a light head beside the frozen policy. The policy is the
/// frozen half: it reads the prompt and holds the context, and its prefill and verify forwards already computed the
/// fused low/mid/high features the head's context cache is built from (as EAGLE's). The trained half is a one-layer
/// decoder (an <see cref="EagleHead"/> with <see cref="EagleConfig.Chunk"/>) whose output at the newest committed pair
/// gives the first draft and whose k−1 learned placeholder positions give the rest, in one forward whatever k is.
/// Each position's tokens are drawn independently from its processed distribution, which is the exact q of that draft
/// given the ones before it (it does not depend on them), so verification stays lossless.
/// </summary>
public sealed class ChunkDrafter(PolicyModel policy, EagleHead head) : HeadDrafter(policy, Checked(head))
{
    public override string Name => "chunk";

    protected override (Tensor Tokens, Tensor Q) Draft(Tensor last, KvCache cache, int k, TokenSampler sampler)
    {
        var logits = Head.DraftChunk(Policy, last, cache, k);                                              // [n, k, V]
        var (live, vocab) = (logits.shape[0], logits.shape[2]);
        var q = LogitsProcessor.ToProbabilities(logits.reshape(-1, vocab), Sampling).view(live, k, vocab);
        return (sampler.Sample(q.view(-1, vocab)).view(live, k), q);
    }

    private static EagleHead Checked(EagleHead head) =>
        head.Config.Chunk ? head : throw new ArgumentException("chunk drafter: the head was built for sequential drafting (EagleConfig.Chunk is false).");
}
