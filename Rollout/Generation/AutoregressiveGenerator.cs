using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tokenization;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Speculative;
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
            // A speculative step without drafts is exactly a plain sampling step: one code path for both.
            var sampled = StepVerifier.Verify(next.unsqueeze(1), proposal: null, sampling, sampler);
            tracker.Append(sampled.Emitted, sampled.LogProbs, sampled.ProcessedLogProbs);
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
