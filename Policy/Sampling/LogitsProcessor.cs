using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Policy.Sampling;

/// <summary>
/// The one place where raw logits become the sampling distribution: temperature, then top-k, then top-p
/// (the order HF and vLLM use), renormalised. Plain sampling and speculative verification both call this,
/// which is what makes verification exact.
/// </summary>
public static class LogitsProcessor
{
    /// <summary>
    /// Log-probabilities [..., V] of the policy RL trains: the logits divided by the sampling temperature (raw when
    /// greedy), with no top-k/top-p truncation (verl's convention). Behaviour log-probs from generation, the
    /// recomputed ones and the learner's all come from here, so their ratio is exactly π_θ / π_behaviour.
    /// </summary>
    public static Tensor PolicyLogProbs(Tensor logits, double temperature)
    {
        var x = logits.to_type(ScalarType.Float32);
        return (temperature is 0 or 1 ? x : x.DividedBy(temperature)).log_softmax(-1);
    }

    /// <summary>Probabilities [N, V] (float32) for raw logits [N, V].</summary>
    public static Tensor ToProbabilities(Tensor logits, SamplingParams sampling)
    {
        sampling.Validated();
        using var scope = NewDisposeScope();
        var x = logits.to_type(ScalarType.Float32);
        if (sampling.IsGreedy)
        {
            return nn.functional.one_hot(x.argmax(-1), x.shape[^1]).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
        }

        x = x.DividedBy(sampling.Temperature);
        if (sampling.TopK > 0 && sampling.TopK < x.shape[^1])
        {
            var kth = x.topk(sampling.TopK, dim: -1).values.narrow(-1, sampling.TopK - 1, 1); // [N, 1]
            using var minusInfinity = float.NegativeInfinity.ToScalar();
            x = x.masked_fill(x < kth, minusInfinity);
        }

        var probs = x.softmax(-1);
        if (sampling.TopP < 1.0)
        {
            var (sorted, order) = probs.sort(dim: -1, descending: true);
            // A token survives when the mass strictly before it is still short of top_p, so the first always does.
            var massBefore = sorted.cumsum(-1) - sorted;
            using var topP = sampling.TopP.ToScalar();
            using var zero = 0f.ToScalar();
            var dropSorted = massBefore >= topP;
            var drop = zeros_like(dropSorted).scatter(-1, order, dropSorted);
            probs = probs.masked_fill(drop, zero);
            probs = probs / probs.sum(-1, keepdim: true);
        }

        return probs.MoveToOuterDisposeScope();
    }
}
