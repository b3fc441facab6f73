using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Eagle;

/// <summary>
/// Drafts with an <see cref="EagleHead"/> from policy features the prefill and verify forwards already captured:
/// no extra policy forward. Committed positions enter the head's own KV cache as (features, next token) pairs;
/// the output at the newest pair guesses the token after the pending one, and each further draft appends one
/// (own state, drafted token) pair that is rolled back afterwards. Drafts are sampled from the head's
/// distribution processed like the policy's, and that processed distribution is the q the verifier corrects against.
/// </summary>
public sealed class EagleDrafter(PolicyModel policy, EagleHead head) : HeadDrafter(policy, head)
{
    public override string Name => "eagle";

    protected override (Tensor Tokens, Tensor Q) Draft(Tensor last, KvCache cache, int k, TokenSampler sampler)
    {
        var state = last;
        var q = new List<Tensor>();
        var drafted = new List<Tensor>();
        for (var j = 0; j < k; j++)
        {
            var probabilities = LogitsProcessor.ToProbabilities(Policy.HeadLogits(state), Sampling);
            q.Add(probabilities);
            drafted.Add(sampler.Sample(probabilities));
            if (j + 1 < k)
            {
                state = Head.Extend(Head.Inputs(Policy, state, drafted[^1]).unsqueeze(1), cache).squeeze(1);
            }
        }

        return (stack(drafted, 1), stack(q, 1));
    }
}
