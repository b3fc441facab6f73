using FluentAssertions;
using RlSpec.Drafter.Chunk;
using RlSpec.Drafter.Drafting;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Tests.Drafting;

/// <summary>
/// Hidden-state drafters defer reading the policy's states until they draft (so steps without speculation cost them
/// nothing). Deferring must not change what they draft: a drafter that read every observation at once and one that
/// read nothing for 150 steps propose the same distributions, through what the engine does to rows meanwhile: prompts
/// prefilled into parking rows and fanned out to several samples' rows, rows moved as the batch compacts, a slot reset
/// and reused, and the pooled states compacted while rows share them.
/// </summary>
public sealed class DeferredObservationTests
{
    // Long enough a context that the deferred drafter's pooled states get compacted along the way.
    private static readonly PolicyModel Policy = WeightInit.NewPolicy(
        new PolicyConfig(23, HiddenSize: 32, NumLayers: 3, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 48, MaxPositions: 256), 11);

    private const int Steps = 150;
    private const int Live = 3;
    private const int Rows = 2 * Live;   // live slots 0..2, parking rows 3..5

    private static EagleHead Head(bool chunk)
    {
        manual_seed(8);
        var head = new EagleHead(Policy.Config, EagleConfig.For(Policy.Config, chunk));
        head.eval();
        return head;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Drafts_after_deferred_reading_equal_drafts_after_reading_every_step(bool chunk)
    {
        var head = Head(chunk);
        IHiddenStateDrafter eager = chunk ? new ChunkDrafter(Policy, head) : new EagleDrafter(Policy, head);
        IHiddenStateDrafter deferred = chunk ? new ChunkDrafter(Policy, head) : new EagleDrafter(Policy, head);
        var both = new[] { eager, deferred };
        var prompts = TinyModels.Prompts.Take(2).ToList();
        using var cache = new KvCache(Policy.Config, Rows, 200, Policy.Device);
        foreach (var d in both)
        {
            d.Begin(Rows, new SamplingParams(1.0), 200);
        }

        using var noGrad = no_grad();
        // Two prompts prefilled into parking rows 3 and 4, then fanned out: row 3 to slots 0 and 1, row 4 to slot 2.
        var width = prompts.Max(p => p.Count);
        var ids = tensor(prompts.SelectMany(p => p.Concat(Enumerable.Repeat(0, width - p.Count))).Select(t => (long)t).ToArray(), [prompts.Count, width]);
        var output = Policy.Forward(ids, cache.Slice(Live, prompts.Count), [.. prompts.Select(p => p.Count)], eager.CaptureLayers);
        Observe(output, Live, [.. prompts.Select(p => p.Count)], [.. prompts.Select(p => (IReadOnlyList<int>)[.. p.Skip(1), 3])], eager, deferred);
        var pending = output.Logits[TensorArithmetic.Arange(prompts.Count), tensor(prompts.Select(p => (long)p.Count - 1).ToArray())].argmax(-1);
        pending = pending.index_select(0, tensor(new long[] { 0, 0, 1 }));
        Move(cache, both, [Live, Live, Live + 1], [0, 1, 2]);
        foreach (var row in Enumerable.Range(Live, Live))
        {
            Reset(cache, both, row);
        }

        for (var step = 0; step < Steps; step++)
        {
            if (step is 2 or 90)
            {
                // The batch compacts (slot 2 moves into slot 1) and slot 2 is reused from scratch.
                Move(cache, both, [2], [1]);
                Reset(cache, both, 2);
            }

            output = Policy.Forward(pending.unsqueeze(1), cache.Slice(0, Live), null, eager.CaptureLayers);
            var sampled = output.Logits[.., 0].argmax(-1);
            Observe(output, 0, [1, 1, 1], [.. sampled.data<long>().Select(t => (IReadOnlyList<int>)[(int)t])], eager, deferred);
            pending = sampled;
        }

        var contexts = Enumerable.Range(0, Live).Select(_ => (IReadOnlyList<int>)[1]).ToList();
        var a = eager.Propose(contexts, 3, new TokenSampler(5));
        var b = deferred.Propose(contexts, 3, new TokenSampler(5));
        b.Probabilities!.allclose(a.Probabilities!, rtol: 1e-4, atol: 1e-6).Should().BeTrue("deferring the head's reading changes nothing it drafts");
        b.Tokens.data<long>().ToArray().Should().Equal(a.Tokens.data<long>().ToArray());
        b.Counts.Should().Equal(a.Counts);
    }

    [Fact]
    public void Resuming_with_a_window_reads_exactly_the_newest_positions()
    {
        // A drafter that deferred 40 steps and resumes with a window of 5 drafts as one that only ever saw those 5 steps.
        var (resumed, fresh) = AfterFortySteps(trimTo: null);
        resumed.CatchUp(newest: Window).Should().Equal([0, 1, 2], "every row skipped its older 35 positions: their drafting context has a gap");
        SameDrafts(fresh, resumed, "the older 35 positions were skipped, not read");
    }

    [Fact]
    public void Trimming_each_plain_step_to_the_window_drafts_as_resuming_with_it_and_reports_the_same_gap()
    {
        // A drafter that forgets all but the newest 5 positions after every step keeps no more than a resume reads: it
        // drafts as one that only ever saw those 5 steps, and its next catch-up reports every row as having skipped some.
        var (trimmed, fresh) = AfterFortySteps(trimTo: Window);
        trimmed.CatchUp().Should().Equal([0, 1, 2], "the trim cut every row's older 35 positions: a gap, reported at the catch-up");
        trimmed.CatchUp().Should().BeEmpty("reported once");
        SameDrafts(fresh, trimmed, "only the newest 5 positions were kept");
    }

    [Fact]
    public void A_trimmed_rows_gap_moves_with_the_row_and_ends_with_it()
    {
        // Row 0 ends and is reset for a new sequence; row 1 ends and is refilled with a copy of row 2 as the batch
        // compacts: the gap leaves with row 0's states and goes with row 2's to row 1.
        var (trimmed, _) = AfterFortySteps(trimTo: Window);
        trimmed.ResetRow(0);
        trimmed.ResetRow(1);
        trimmed.CopyRows([2], [1]);
        trimmed.CatchUp().Should().Equal([1, 2], "row 1 now holds row 2's trimmed states; row 0 starts afresh");
    }

    [Fact]
    public void Drafting_reads_only_the_live_rows_and_leaves_a_parked_prompt_for_the_slots_it_is_copied_to()
    {
        // A prompt parked in row 3 (its samples not yet admitted) while live rows 0..2 decode: drafting for the live rows
        // must not run the head over the parked row, nor over the vacated rows up to it.
        var head = Head(chunk: false);
        var drafter = new EagleDrafter(Policy, head);
        using var cache = new KvCache(Policy.Config, Rows, 200, Policy.Device);
        drafter.Begin(Rows, new SamplingParams(1.0), 200);
        using var noGrad = no_grad();
        var prompt = TinyModels.Prompts[0];
        var output = Policy.Forward(tensor(prompt.Select(t => (long)t).ToArray(), [1, prompt.Count]), cache.Slice(Live, 1), [prompt.Count], drafter.CaptureLayers);
        drafter.ObserveHidden(output.Hidden, Live, [prompt.Count], [[.. prompt.Skip(1), 3]]);
        var pending = tensor(new long[] { 1, 2, 3 });
        for (var step = 0; step < 4; step++)
        {
            output = Policy.Forward(pending.unsqueeze(1), cache.Slice(0, Live), null, drafter.CaptureLayers);
            pending = output.Logits[.., 0].argmax(-1);
            drafter.ObserveHidden(output.Hidden, 0, [1, 1, 1], [.. pending.data<long>().Select(t => (IReadOnlyList<int>)[(int)t])]);
        }

        drafter.CatchUp(0, Live, newest: 2).Should().Equal([0, 1, 2], "the live rows skip their older positions");
        drafter.Propose([.. Enumerable.Range(0, Live).Select(_ => (IReadOnlyList<int>)[1])], 3, new TokenSampler(5));
        drafter.CatchUp(Live, 1, newest: 1).Should().Equal([Live], "the parked prompt was not read: all its positions but the newest are still there to skip");
    }

    private const int Window = 5;

    /// <summary>
    /// 40 decode steps of the live rows: the first drafter observes every step (trimming its deferred positions to
    /// <paramref name="trimTo"/> after each, if given), the second only the last <see cref="Window"/>.
    /// </summary>
    private static (EagleDrafter All, EagleDrafter LastWindow) AfterFortySteps(int? trimTo)
    {
        var head = Head(chunk: false);
        var (all, lastWindow) = (new EagleDrafter(Policy, head), new EagleDrafter(Policy, head));
        using var cache = new KvCache(Policy.Config, Live, 200, Policy.Device);
        all.Begin(Live, new SamplingParams(1.0), 200);
        lastWindow.Begin(Live, new SamplingParams(1.0), 200);
        using var noGrad = no_grad();
        var pending = tensor(new long[] { 1, 2, 3 });
        for (var step = 0; step < 40; step++)
        {
            var output = Policy.Forward(pending.unsqueeze(1), cache.Slice(0, Live), null, all.CaptureLayers);
            var sampled = output.Logits[.., 0].argmax(-1);
            var next = sampled.data<long>().Select(t => (IReadOnlyList<int>)[(int)t]).ToList();
            all.ObserveHidden(output.Hidden, 0, [1, 1, 1], next);
            if (trimTo is { } window)
            {
                all.TrimDeferred(window);
            }

            if (step >= 40 - Window)
            {
                lastWindow.ObserveHidden(output.Hidden, 0, [1, 1, 1], next);
            }

            pending = sampled;
        }

        return (all, lastWindow);
    }

    private static void SameDrafts(IDrafter expected, IDrafter actual, string because)
    {
        using var noGrad = no_grad();
        var contexts = Enumerable.Range(0, Live).Select(_ => (IReadOnlyList<int>)[1]).ToList();
        var a = expected.Propose(contexts, 3, new TokenSampler(5));
        var b = actual.Propose(contexts, 3, new TokenSampler(5));
        b.Probabilities!.allclose(a.Probabilities!, rtol: 1e-4, atol: 1e-6).Should().BeTrue(because);
        b.Tokens.data<long>().ToArray().Should().Equal(a.Tokens.data<long>().ToArray());
    }

    /// <summary>Both drafters observe; the eager one reads at once (skipping nothing).</summary>
    private static void Observe(ForwardOutput output, int firstRow, int[] committed, IReadOnlyList<IReadOnlyList<int>> next, IHiddenStateDrafter eager, IHiddenStateDrafter deferred)
    {
        eager.ObserveHidden(output.Hidden, firstRow, committed, next);
        eager.CatchUp().Should().BeEmpty();
        deferred.ObserveHidden(output.Hidden, firstRow, committed, next);
    }

    private static void Move(KvCache cache, IEnumerable<IHiddenStateDrafter> drafters, int[] from, int[] to)
    {
        cache.CopyRows(from, to);
        foreach (var d in drafters)
        {
            d.CopyRows(from, to);
        }
    }

    private static void Reset(KvCache cache, IEnumerable<IHiddenStateDrafter> drafters, int row)
    {
        cache.Rollback(row, 0);
        foreach (var d in drafters)
        {
            d.ResetRow(row);
        }
    }
}
