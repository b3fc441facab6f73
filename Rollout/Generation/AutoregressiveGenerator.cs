using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tokenization;
using RlSpec.Policy.Training;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Generation;

/// <summary>
/// Plain batched decoding with a KV cache: one prefill, then one policy forward per token. The reference every
/// speculative speedup is measured against. Finished rows keep decoding padding (the batch shape stays fixed,
/// so nothing is reallocated) and their outputs are ignored.
/// </summary>
public sealed class AutoregressiveGenerator(PolicyModel model, TextTokenizer tokenizer)
{
    public IReadOnlyList<GeneratedSequence> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options, TokenSampler sampler)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var sampling = options.EffectiveSampling.Validated();
        var batch = prompts.Count;
        var (ids, lengths) = PaddedBatch.Build(prompts, tokenizer.Special.Pad, model.Device);
        // The rotary tables end at MaxPositions: a completion stops there with FinishReason.Length.
        var budget = Math.Min(options.MaxNewTokens, model.Config.MaxPositions - lengths.Max());
        if (budget < 1)
        {
            throw new ArgumentException($"a prompt of {lengths.Max()} tokens leaves no room under the model's MaxPositions ({model.Config.MaxPositions}).");
        }

        using var cache = model.NewCache(batch, lengths.Max() + budget);
        var logits = model.Forward(ids, cache, lengths).Logits;                          // [B, T, V]
        var lastIndex = tensor(lengths.Select(l => (long)l - 1).ToArray(), device: model.Device);
        var next = logits[arange(batch, device: model.Device), lastIndex];               // [B, V]

        var tracker = new CompletionTracker(batch, tokenizer, options.StopStrings);
        for (var step = 0; step < budget && !tracker.AllDone; step++)
        {
            using var stepScope = NewDisposeScope();
            var probs = LogitsProcessor.ToProbabilities(next, sampling);                  // [B, V]
            var tokens = sampler.Sample(probs);                                           // [B]
            var raw = PolicyModel.TokenLogProbs(next, tokens);                            // [B]
            var processed = probs.gather(-1, tokens.unsqueeze(-1)).squeeze(-1).log();    // [B]
            // One host transfer per step: float64 holds token ids exactly and float32 log-probs losslessly.
            var host = stack([tokens.to_type(ScalarType.Float64), raw.to_type(ScalarType.Float64), processed.to_type(ScalarType.Float64)]).cpu().data<double>().ToArray();
            tracker.Append(
                host[..batch].Select(t => (long)t).ToArray(),
                host[batch..(2 * batch)].Select(x => (float)x).ToArray(),
                host[(2 * batch)..].Select(x => (float)x).ToArray());
            if (tracker.AllDone || step + 1 == budget)
            {
                break;
            }

            var feed = tensor(tracker.FeedTokens(), device: model.Device).unsqueeze(1);   // [B, 1]
            next = model.Forward(feed, cache).Logits.squeeze(1).MoveToOuterDisposeScope();
        }

        return tracker.Results();
    }
}
