using System.Diagnostics;
using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Speculative;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Generation;

/// <summary>
/// One <see cref="GenerationEngine.Generate"/> call carried out: admit queued samples into free slots, take one verify
/// step over the live rows, release the rows that finished, until nothing is queued or live. The policy cache holds every
/// committed token of a row except the newest ("pending") one; a step feeds [pending, d1..dk], and after rejection
/// sampling each row keeps pending + its accepted drafts while the recovered or bonus token becomes pending.
/// </summary>
internal sealed class GenerationRun(GenerationEngine engine, IDrafter? drafter, IReadOnlyList<GenerationRequest> requests, GenerationOptions options, SamplingParams sampling,
    SlotScheduler scheduler, KvCache cache, LiveBatchController? controller, TokenSampler sampler)
{
    private readonly PolicyModel _model = engine.Model;
    private readonly IDrafter? _drafter = drafter;
    private readonly IReadOnlyCollection<int>? _captureLayers = engine.CaptureLayers(drafter);
    private readonly SupervisionRecorder? _recorder = engine.Recorder;
    private readonly StopStringMatcher _stops = new(engine.Tokenizer, options.StopStrings);
    private readonly List<LiveSequence> _live = [];
    private readonly Dictionary<int, IReadOnlyList<SupervisionPart>> _parked = [];
    private readonly GeneratedSequence[] _results = new GeneratedSequence[requests.Sum(r => r.Samples)];
    private readonly IReadOnlyList<VerifyStepCounts>[] _verifySteps = new IReadOnlyList<VerifyStepCounts>[requests.Sum(r => r.Samples)];
    private readonly SpeculationStats _stats = new();
    private readonly LiveBatchStats _liveBatch = new();

    /// <summary>The live rows' own acceptance, handed to the controller each step (adaptive only; empty otherwise).</summary>
    private readonly List<RowAcceptance> _rowAcceptance = [];
    private bool _speculatedLastStep;

    /// <summary>Seconds the drafter has spent outside steps, in all (see <see cref="Drafting"/>).</summary>
    private double _drafterSeconds;

    public GenerationResult Complete()
    {
        while (true)
        {
            var clock = Stopwatch.StartNew();
            var drafted = _drafterSeconds;
            Admit();
            var admissionDrafting = _drafterSeconds - drafted;   // prefill catch-up, row copies
            if (_live.Count == 0)
            {
                break;
            }

            var admitSeconds = clock.Elapsed.TotalSeconds;
            var live = _live.Count;
            StepOutcome step;
            using (NewDisposeScope())
            {
                step = Step();
            }

            var draining = scheduler.QueueEmpty;
            Release();
            // Timed to here, so the controller compares what a step really costs: disposing a speculative step's many
            // tensors and releasing rows from the drafter too, not only the work inside Step; and the drafter's work on
            // the rows admitted just before it (reading their prompts after a speculative step), which plain decoding
            // does not pay. Admissions come every step or two, so charging each to the step after it is near exact (one
            // followed by a plain step is dropped: row copies, or a catch-up just before speculation switched off).
            var seconds = clock.Elapsed.TotalSeconds;
            var admitted = step.K > 0 ? admissionDrafting : 0;
            controller?.Observe(live, step.K, step.Counts, step.Accepted, seconds - admitSeconds + admitted, step.Resumed, step.Emitted, step.Gapped);
            _liveBatch.Add(live, step.K, step.Emitted, seconds, draining);
        }

        return new GenerationResult(_results, _stats, _verifySteps, _liveBatch);
    }

    private void Admit()
    {
        while (scheduler.NextRound() is { } round)
        {
            Prefill(round.Prefills);
            CopyRows([.. round.Admissions.Select(a => a.SourceRow)], [.. round.Admissions.Select(a => a.Slot)]);
            foreach (var admission in round.Admissions)
            {
                var prompt = requests[admission.Request].Prompt;
                var budget = Math.Min(options.MaxNewTokens, _model.Config.MaxPositions - prompt.Count);
                _live.Add(new LiveSequence(admission.Sequence, prompt, budget, _parked.GetValueOrDefault(admission.SourceRow) ?? [])
                {
                    Acceptance = controller?.Options.Adaptive == true ? controller.NewRowAcceptance() : null,
                });
            }

            if (round.HeldMove is var (from, to))
            {
                CopyRows([from], [to]);
                _parked[to] = _parked[from];
            }
        }
    }

    /// <summary>Prefills every prompt but its last token (which becomes pending) into consecutive parking rows.</summary>
    private void Prefill(IReadOnlyList<Prefill> prefills)
    {
        if (prefills.Count == 0)
        {
            return;
        }

        using var scope = NewDisposeScope();
        _liveBatch.AddPrefills(prefills.Count);
        var first = prefills[0].Row;
        foreach (var p in prefills)
        {
            cache.Rollback(p.Row, 0);
            _drafter?.ResetRow(p.Row);
            _parked[p.Row] = [];
        }

        var prompts = prefills.Select(p => requests[p.Request].Prompt).ToList();
        var heads = prompts.Select(p => (IReadOnlyList<int>)p.Take(p.Count - 1).ToList()).ToList();
        if (heads.All(h => h.Count == 0))
        {
            return;
        }

        Drafting(d => d.Prefill(first, prompts));
        var (ids, lengths) = PaddedBatch.Build(heads, engine.Tokenizer.Special.Pad, _model.Device);
        var output = _model.Forward(ids, cache.Slice(first, prefills.Count), lengths, _captureLayers);
        // Prompt position i is followed by prompt token i+1; the last head position's output is the pending token.
        ShareHidden(output, first, lengths, prompts.Select(p => (IReadOnlyList<int>)p.Skip(1).ToList()).ToList());
        // Read once here, not once per sample it is copied to, while speculating; an adaptive run decoding plainly defers
        // it like every other position, so a prompt whose samples finish before speculation resumes costs nothing.
        if (controller?.Options.Adaptive != true || _speculatedLastStep)
        {
            Drafting(d => (d as IHiddenStateDrafter)?.CatchUp(first, prefills.Count));
        }

        if (_recorder?.Observe(output) is { } forward)
        {
            foreach (var (p, i) in prefills.Select((p, i) => (p, i)))
            {
                _parked[p.Row] = [new SupervisionPart(forward, i, lengths[i])];
            }
        }
    }

    /// <summary>One verify step over the live rows: draft, verify in one policy forward, emit.</summary>
    private StepOutcome Step()
    {
        var clock = Stopwatch.StartNew();
        var live = _live.Count;
        var rows = cache.Slice(0, live);
        sampler.Bind(_live.Select(s => s.Id).ToList());
        _rowAcceptance.Clear();
        _rowAcceptance.AddRange(_live.Select(s => s.Acceptance).OfType<RowAcceptance>());
        var k = controller?.NextK(live, _rowAcceptance) ?? 0;
        var resumed = k > 0 && !_speculatedLastStep;
        if (k > 0 && _drafter is IHiddenStateDrafter deferring)
        {
            // Steady speculation reads the previous step's positions; resuming after plain steps reads a bounded window.
            // Only the live rows: parking rows keep a prompt's states until it is copied to a slot (the copy carries them),
            // and a catch-up over every row up to the last parked one also fed the vacated slots between, padding: on the
            // tiny policy a resume at 18 live rows ran 72 rows x 32 positions through the head, 250-370 ms.
            foreach (var row in deferring.CatchUp(0, live, resumed ? controller!.ResumeWindow : int.MaxValue))
            {
                _live[row].DraftContextGap = true;
            }
        }

        _speculatedLastStep = k > 0;
        var proposal = k > 0 ? _drafter!.Propose(_live.Select(s => (IReadOnlyList<int>)s.Context).ToList(), k, sampler) : null;
        k = proposal?.K ?? 0;
        var pendingAt = rows.Lengths.ToArray();
        // A row may draft only what it can still write: positions below MaxPositions, tokens within its budget.
        var counts = Enumerable.Range(0, live)
            .Select(b => proposal is null ? 0 : Math.Min(proposal.Counts[b], Math.Min(_model.Config.MaxPositions - pendingAt[b] - 1, _live[b].Remaining - 1)))
            .ToArray();
        var draftSeconds = clock.Elapsed.TotalSeconds;

        var pending = tensor(_live.Select(s => (long)s.Context[^1]).ToArray(), device: _model.Device).unsqueeze(1);
        var feed = proposal is null ? pending : cat([pending, proposal.Tokens.to(_model.Device)], 1);        // [n, k+1]
        var output = _model.Forward(feed, rows, counts.Select(c => c + 1).ToArray(), _captureLayers);
        var verifySeconds = clock.Elapsed.TotalSeconds - draftSeconds;

        var gapped = k > 0 ? _live.Select(s => s.DraftContextGap).ToArray() : null;   // only drafts are judged
        var step = StepVerifier.Verify(output.Logits, proposal is null ? null : proposal with { Counts = counts }, sampling, sampler, engine.Bias);
        var sampleSeconds = clock.Elapsed.TotalSeconds - draftSeconds - verifySeconds;

        var emitted = new int[live];
        var accepted = step.Accepted.Select((a, b) => Math.Min(a, counts[b])).ToArray();   // drafts accepted (the bonus token aside)
        for (var b = 0; b < live; b++)
        {
            var sequence = _live[b];
            for (var i = 0; i <= step.Accepted[b] && sequence.Finish is null; i++)
            {
                var at = step.Index(b, i);
                sequence.Append((int)step.Emitted[at], step.LogProbs[at], step.ProcessedLogProbs[at], engine.Tokenizer.Special.Eos, _stops);
                emitted[b]++;
            }

            // Keep pending + accepted drafts; a finished row leaves its slot below, so its cache no longer matters.
            if (sequence.Finish is null)
            {
                rows.Rollback(b, pendingAt[b] + 1 + step.Accepted[b]);
            }

            if (_drafter is not null)
            {
                sequence.VerifySteps.Add(new VerifyStepCounts(counts[b], accepted[b]));
                if (sequence.Acceptance is { } own)
                {
                    controller!.ObserveRow(own, counts[b], accepted[b]);
                }
            }
        }

        // Fed column i of a row is followed by its emitted token i, so the committed columns are the emitted count. A
        // hidden-state drafter's reading of them is drafting work, timed as such.
        var observeStart = clock.Elapsed.TotalSeconds;
        ShareHidden(output, 0, emitted, _live.Select((s, b) => (IReadOnlyList<int>)s.Context.TakeLast(emitted[b]).ToList()).ToList());
        if (k == 0 && controller?.Options.Adaptive == true && _drafter is IHiddenStateDrafter plain)
        {
            plain.TrimDeferred(controller.Options.ResumeWindow);   // what a resume would read; older states only cost
        }

        draftSeconds += clock.Elapsed.TotalSeconds - observeStart;
        if (_recorder?.Observe(output) is { } forward)
        {
            for (var b = 0; b < live; b++)
            {
                _live[b].Supervision.Add(new SupervisionPart(forward, b, emitted[b]));
            }
        }

        if (proposal is not null)
        {
            _drafter!.Commit(step.Accepted);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        _stats.AddStep(k, counts, accepted, emitted);
        _stats.AddTimes(draftSeconds, verifySeconds, sampleSeconds, seconds - draftSeconds - verifySeconds - sampleSeconds);
        return new StepOutcome(k, emitted.Sum(), counts, accepted, resumed, gapped);
    }

    /// <summary>Finished rows hand in their results and leave; the last live rows move into their slots.</summary>
    private void Release()
    {
        var finished = Enumerable.Range(0, _live.Count).Where(b => _live[b].Finish is not null).ToList();
        if (finished.Count == 0)
        {
            return;
        }

        foreach (var sequence in finished.Select(b => _live[b]))
        {
            _results[sequence.Id] = sequence.Result();
            _verifySteps[sequence.Id] = sequence.VerifySteps;
            _recorder?.Complete(sequence.Prompt, sequence.Context, sequence.Supervision);
        }

        var moves = scheduler.Release(finished);
        CopyRows([.. moves.Select(m => m.From)], [.. moves.Select(m => m.To)]);
        foreach (var (from, to) in moves)
        {
            _live[to] = _live[from];
        }

        _live.RemoveRange(_live.Count - finished.Count, finished.Count);
        for (var row = _live.Count; row < _live.Count + finished.Count; row++)
        {
            _drafter?.ResetRow(row);   // vacated: a drafter that defers work (see PairContext) must not spend it on dead rows
        }
    }

    private void CopyRows(IReadOnlyList<int> from, IReadOnlyList<int> to)
    {
        if (from.Count > 0)
        {
            cache.CopyRows(from, to);
            Drafting(d => d.CopyRows(from, to));
        }
    }

    /// <summary>Drafter work outside a step, timed into <see cref="_drafterSeconds"/>.</summary>
    private void Drafting(Action<IDrafter> work)
    {
        if (_drafter is not null)
        {
            var start = Stopwatch.GetTimestamp();
            work(_drafter);
            _drafterSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
    }

    /// <summary>Hands a hidden-state drafter a forward's states and what each of its rows committed.</summary>
    private void ShareHidden(ForwardOutput output, int firstRow, IReadOnlyList<int> committed, IReadOnlyList<IReadOnlyList<int>> nextTokens)
    {
        if (_drafter is IHiddenStateDrafter hidden)
        {
            hidden.ObserveHidden(output.Hidden, firstRow, committed, nextTokens);
        }
    }

    /// <summary>What one verify step did: k, tokens emitted, per row drafts proposed and accepted and whether its drafting
    /// context has a gap, and whether the step resumed speculation after plain steps.</summary>
    private sealed record StepOutcome(int K, long Emitted, int[] Counts, int[] Accepted, bool Resumed, bool[]? Gapped);
}
