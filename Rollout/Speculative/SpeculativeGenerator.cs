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
    // Costs depend on batch size, and estimates should outlive one call (RL generates batch after batch).
    private readonly Dictionary<int, AdaptiveSpeculation> _controllers = [];

    public IDrafter Drafter => drafter;

    /// <summary>When set, every batch's committed positions are captured for drafter alignment.</summary>
    public SupervisionRecorder? Recorder { get; set; }

    /// <summary>The adaptive controller used for this batch size (created on first use; reset when the options change).</summary>
    public AdaptiveSpeculation Controller(int batch, SpeculationOptions speculation)
    {
        if (!_controllers.TryGetValue(batch, out var controller) || controller.Options != speculation)
        {
            _controllers[batch] = controller = new AdaptiveSpeculation(speculation);
        }

        return controller;
    }

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
        var contexts = prompts.Select(p => p.ToList()).ToList();
        var tracker = new CompletionTracker(batch, tokenizer, options.StopStrings);
        var controller = Controller(batch, speculation);
        var stats = new SpeculationStats();
        var verifySteps = prompts.Select(_ => new List<VerifyStepCounts>()).ToArray();
        drafter.Begin(prompts, sampling, cache.Capacity);
        Recorder?.Begin();
        try
        {
            Prefill(prompts, cache);   // after Begin: hidden-state drafters receive the prefill's states
            while (!tracker.AllDone)
            {
                using var stepScope = NewDisposeScope();
                Step(contexts, cache, tracker, controller, stats, verifySteps, sampling, sampler, budget);
            }

            Recorder?.Finish(prompts, contexts);
        }
        finally
        {
            drafter.End();
        }

        return new SpeculativeResult(tracker.Results(), stats, verifySteps);
    }

    private IReadOnlyCollection<int>? CaptureLayers =>
        ((drafter as IHiddenStateDrafter)?.CaptureLayers ?? []).Union(Recorder?.Options.Layers ?? []).ToArray() is { Length: > 0 } layers ? layers : null;

    private void Prefill(IReadOnlyList<IReadOnlyList<int>> prompts, KvCache cache)
    {
        using var scope = NewDisposeScope();
        var heads = prompts.Select(p => (IReadOnlyList<int>)p.Take(p.Count - 1).ToList()).ToList();
        if (heads.All(h => h.Count == 0))
        {
            return;
        }

        var (ids, lengths) = PaddedBatch.Build(heads, tokenizer.Special.Pad, model.Device);
        var output = model.Forward(ids, cache, lengths, CaptureLayers);
        // Prompt position i is followed by prompt token i+1; the last head position's output is the pending token.
        ShareHidden(output, lengths, prompts.Select(p => (IReadOnlyList<int>)p.Skip(1).ToList()).ToList());
        Recorder?.Observe(output, lengths);
    }

    /// <summary>Hands a hidden-state drafter the forward's states and what each row committed.</summary>
    private void ShareHidden(ForwardOutput output, int[] committed, IReadOnlyList<IReadOnlyList<int>> nextTokens)
    {
        if (drafter is IHiddenStateDrafter hiddenDrafter)
        {
            hiddenDrafter.ObserveHidden(output.Hidden, committed, nextTokens);
        }
    }

    private void Step(List<List<int>> contexts, KvCache cache, CompletionTracker tracker, AdaptiveSpeculation controller,
        SpeculationStats stats, List<VerifyStepCounts>[] verifySteps, SamplingParams sampling, TokenSampler sampler, int budget)
    {
        var clock = Stopwatch.StartNew();
        var batch = contexts.Count;
        var active = tracker.Active();
        var k = Math.Min(controller.NextK(), cache.Capacity - cache.MaxLength - 1);
        var proposal = k > 0 ? drafter.Propose(contexts, active, k, sampler) : null;
        k = proposal?.K ?? 0;
        var counts = proposal?.Counts ?? new int[batch];
        var draftSeconds = clock.Elapsed.TotalSeconds;

        var pending = tensor(contexts.Select((c, b) => (long)(active[b] ? c[^1] : tokenizer.Special.Pad)).ToArray(), device: model.Device).unsqueeze(1);
        var lengthsBefore = cache.Lengths.ToArray();
        var feed = proposal is null ? pending : cat([pending, proposal.Tokens.to(model.Device)], 1);  // [B, k+1]
        var output = model.Forward(feed, cache, captureLayers: CaptureLayers);
        var logits = output.Logits;                                                                      // [B, k+1, V]
        var verifySeconds = clock.Elapsed.TotalSeconds - draftSeconds;

        var step = StepVerifier.Verify(logits, proposal, sampling, sampler);
        var accepted = step.Accepted;
        var sampleSeconds = clock.Elapsed.TotalSeconds - draftSeconds - verifySeconds;

        var emittedCounts = new int[batch];
        for (var b = 0; b < batch; b++)
        {
            for (var i = 0; active[b] && i <= accepted[b] && !tracker.IsDone(b); i++)
            {
                var at = step.Index(b, i);
                var token = (int)step.Emitted[at];
                contexts[b].Add(token);
                emittedCounts[b]++;
                if (!tracker.AppendOne(b, token, step.LogProbs[at], step.ProcessedLogProbs[at]) && tracker.Count(b) >= budget)
                {
                    tracker.FinishForLength(b);
                }
            }

            // Keep pending + accepted drafts; finished rows keep nothing more, so idle rows never outgrow the cache.
            cache.Rollback(b, tracker.IsDone(b) ? lengthsBefore[b] : lengthsBefore[b] + 1 + accepted[b]);
        }

        // Fed column i of a row is followed by its emitted token i, so the committed columns are the emitted count.
        ShareHidden(output, emittedCounts, Enumerable.Range(0, batch).Select(b => (IReadOnlyList<int>)contexts[b].TakeLast(emittedCounts[b]).ToList()).ToList());
        Recorder?.Observe(output, emittedCounts);
        if (proposal is not null)
        {
            drafter.Commit(accepted);
        }

        var stepSeconds = clock.Elapsed.TotalSeconds;
        stats.AddStep(k, counts, accepted, emittedCounts, active);
        for (var b = 0; b < batch; b++)
        {
            if (active[b])
            {
                verifySteps[b].Add(new VerifyStepCounts(counts[b], Math.Min(accepted[b], counts[b])));
            }
        }

        stats.AddTimes(draftSeconds, verifySeconds, sampleSeconds, stepSeconds - draftSeconds - verifySeconds - sampleSeconds);
        controller.Observe(k, counts.Where((_, b) => active[b]).Sum(), accepted.Where((_, b) => active[b]).Sum(), draftSeconds, stepSeconds);
    }
}
