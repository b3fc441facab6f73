using System.Diagnostics;
using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tokenization;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Generation;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Lossless speculative decoding for a batch with ragged acceptance. The policy cache holds every committed
/// token except the newest ("pending") one; each step feeds [pending, d1..dk] in one policy forward, so the
/// k+1 output positions give p for every draft plus the bonus position. After rejection sampling each row keeps
/// pending + its accepted drafts (the cache rolls back per row) and the recovered/bonus token becomes pending.
/// Log-probs handed back are the policy's, from this verification forward: raw (for importance ratios) and
/// processed (the distribution actually sampled).
/// </summary>
public sealed class SpeculativeGenerator(PolicyModel model, TextTokenizer tokenizer, IDrafter drafter)
{
    public IDrafter Drafter => drafter;

    public SpeculativeResult Generate(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options, SpeculationOptions speculation, TokenSampler sampler)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var sampling = options.EffectiveSampling.Validated();
        var batch = prompts.Count;
        var longest = prompts.Max(p => p.Count);
        var budget = Math.Min(options.MaxNewTokens, model.Config.MaxPositions - longest);
        if (budget < 1 || prompts.Any(p => p.Count == 0))
        {
            throw new ArgumentException($"prompts must be non-empty and leave room under MaxPositions ({model.Config.MaxPositions}); longest is {longest}.");
        }

        // Slack of 2(k+1): a verify step writes k+1 slots for every row, including finished rows holding extra drafts.
        using var cache = model.NewCache(batch, longest + budget + (2 * (speculation.DraftTokens + 1)));
        Prefill(prompts, cache);
        var contexts = prompts.Select(p => p.ToList()).ToList();
        var tracker = new CompletionTracker(batch, tokenizer, options.StopStrings);
        var controller = new AdaptiveSpeculation(speculation);
        var stats = new SpeculationStats();
        drafter.Begin(prompts, sampling, cache.Capacity);
        try
        {
            while (!tracker.AllDone)
            {
                using var stepScope = NewDisposeScope();
                Step(contexts, cache, tracker, controller, stats, sampling, sampler, budget);
            }
        }
        finally
        {
            drafter.End();
        }

        return new SpeculativeResult(tracker.Results(), stats);
    }

    private void Prefill(IReadOnlyList<IReadOnlyList<int>> prompts, KvCache cache)
    {
        var heads = prompts.Select(p => (IReadOnlyList<int>)p.Take(p.Count - 1).ToList()).ToList();
        if (heads.Any(h => h.Count > 0))
        {
            var (ids, lengths) = PaddedBatch.Build(heads, tokenizer.Special.Pad, model.Device);
            model.Forward(ids, cache, lengths);
        }
    }

    private void Step(List<List<int>> contexts, KvCache cache, CompletionTracker tracker, AdaptiveSpeculation controller,
        SpeculationStats stats, SamplingParams sampling, TokenSampler sampler, int budget)
    {
        var clock = Stopwatch.StartNew();
        var batch = contexts.Count;
        var active = tracker.Active();
        var k = Math.Min(controller.NextK(), cache.Capacity - cache.MaxLength - 1);
        var proposal = k > 0 ? drafter.Propose(contexts, active, k, sampler) : null;
        k = proposal?.K ?? 0;
        var draftTokens = proposal?.Tokens ?? zeros([batch, 0], ScalarType.Int64, device: model.Device);
        var counts = proposal?.Counts ?? new int[batch];
        var draftSeconds = clock.Elapsed.TotalSeconds;

        var pending = tensor(contexts.Select((c, b) => (long)(active[b] ? c[^1] : tokenizer.Special.Pad)).ToArray(), device: model.Device);
        var lengthsBefore = cache.Lengths.ToArray();
        var logits = model.Forward(cat([pending.unsqueeze(1), draftTokens.to(model.Device)], 1), cache).Logits; // [B, k+1, V]
        var verifySeconds = clock.Elapsed.TotalSeconds - draftSeconds;

        var vocab = logits.shape[^1];
        var target = LogitsProcessor.ToProbabilities(logits.reshape(-1, vocab), sampling).view(batch, k + 1, vocab);
        var draftDist = proposal?.Probabilities?.to(model.Device)
            ?? nn.functional.one_hot(draftTokens, vocab).to_type(ScalarType.Float32);            // [B, k, V]
        var countTensor = tensor(counts.Select(c => (long)c).ToArray(), device: model.Device);
        var result = RejectionSampler.Sample(target, draftDist, draftTokens, countTensor, sampler.Uniform([batch, k], model.Device), sampler.Sample);
        // Row b emits its accepted drafts then the final token at index accepted[b]; later columns are unused.
        var emitted = cat([draftTokens, result.FinalToken.unsqueeze(1)], 1).scatter(1, result.Accepted.unsqueeze(1), result.FinalToken.unsqueeze(1));
        var raw = logits.log_softmax(-1).gather(-1, emitted.unsqueeze(-1)).squeeze(-1);        // [B, k+1]
        var processed = target.gather(-1, emitted.unsqueeze(-1)).squeeze(-1).log();            // [B, k+1]
        var accepted = result.Accepted.cpu().data<long>().ToArray().Select(a => (int)a).ToArray();
        var emittedHost = emitted.cpu().data<long>().ToArray();
        var rawHost = raw.cpu().data<float>().ToArray();
        var processedHost = processed.cpu().data<float>().ToArray();
        var sampleSeconds = clock.Elapsed.TotalSeconds - draftSeconds - verifySeconds;

        var emittedCounts = new int[batch];
        for (var b = 0; b < batch; b++)
        {
            for (var i = 0; active[b] && i <= accepted[b] && !tracker.IsDone(b); i++)
            {
                var at = (b * (k + 1)) + i;
                var token = (int)emittedHost[at];
                contexts[b].Add(token);
                emittedCounts[b]++;
                if (!tracker.AppendOne(b, token, rawHost[at], processedHost[at]) && tracker.Count(b) >= budget)
                {
                    tracker.FinishForLength(b);
                }
            }

            // Keep pending + accepted drafts; finished rows keep nothing more, so idle rows never outgrow the cache.
            cache.Rollback(b, tracker.IsDone(b) ? lengthsBefore[b] : lengthsBefore[b] + 1 + accepted[b]);
        }

        if (proposal is not null)
        {
            drafter.Commit(accepted);
        }

        var stepSeconds = clock.Elapsed.TotalSeconds;
        stats.AddStep(k, counts, accepted, emittedCounts, active);
        stats.AddTimes(draftSeconds, verifySeconds, sampleSeconds, stepSeconds - draftSeconds - verifySeconds - sampleSeconds);
        controller.Observe(k, counts.Where((_, b) => active[b]).Sum(), accepted.Where((_, b) => active[b]).Sum(), draftSeconds, stepSeconds);
    }
}
