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
/// nothing). Deferring must not change what they draft: a drafter that read every step as it came and one that read
/// 90 steps at once, with rows moved and one row reset in between, propose the same distributions.
/// </summary>
public sealed class DeferredObservationTests
{
    // Long enough a context that the deferred drafter's pooled states get compacted along the way.
    private static readonly PolicyModel Policy = WeightInit.NewPolicy(
        new PolicyConfig(23, HiddenSize: 32, NumLayers: 3, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 48, MaxPositions: 256), 11);
    private const int Steps = 90;

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
        var eager = Drafter(head, chunk);
        var deferred = Drafter(head, chunk);
        var prompts = TinyModels.Prompts.Take(3).ToList();
        var sampling = new SamplingParams(1.0);
        using var cache = new KvCache(Policy.Config, prompts.Count, 128, Policy.Device);
        foreach (var d in new[] { eager, deferred })
        {
            d.Begin(prompts.Count, sampling, 128);
        }

        using var noGrad = no_grad();
        var width = prompts.Max(p => p.Count);
        var ids = tensor(prompts.SelectMany(p => p.Concat(Enumerable.Repeat(0, width - p.Count))).Select(t => (long)t).ToArray(), [prompts.Count, width]);
        var output = Policy.Forward(ids, cache, [.. prompts.Select(p => p.Count)], eager.CaptureLayers);
        var next = prompts.Select(p => (IReadOnlyList<int>)[.. p.Skip(1), 3]).ToList();
        Observe(output, [.. prompts.Select(p => p.Count)], next, eager, deferred);
        var pending = output.Logits[arange(prompts.Count), tensor(prompts.Select(p => (long)p.Count - 1).ToArray())].argmax(-1);
        for (var step = 0; step < Steps; step++)
        {
            if (step is 2 or 50)
            {
                // Rows move as the engine compacts its batch, and a slot is reused: what is deferred moves and resets with them.
                cache.CopyRows([2], [1]);
                foreach (var d in new[] { eager, deferred })
                {
                    d.CopyRows([2], [1]);
                    d.ResetRow(2);
                }

                cache.Rollback(2, 0);
            }

            output = Policy.Forward(pending.unsqueeze(1), cache, null, eager.CaptureLayers);
            var sampled = output.Logits[.., 0].argmax(-1);
            var tokens = sampled.data<long>().Select(t => (IReadOnlyList<int>)[(int)t]).ToList();
            Observe(output, [1, 1, 1], tokens, eager, deferred);
            eager.Propose(Contexts(prompts.Count), 1, new TokenSampler(1)).Tokens.Dispose();   // reads now
            pending = sampled;
        }

        var a = eager.Propose(Contexts(prompts.Count), 3, new TokenSampler(5));
        var b = deferred.Propose(Contexts(prompts.Count), 3, new TokenSampler(5));
        b.Probabilities!.allclose(a.Probabilities!, rtol: 1e-4, atol: 1e-6).Should().BeTrue("deferring the head's reading changes nothing it drafts");
        b.Tokens.data<long>().ToArray().Should().Equal(a.Tokens.data<long>().ToArray());
        b.Counts.Should().Equal(a.Counts);
    }

    private static IHiddenStateDrafter Drafter(EagleHead head, bool chunk) => chunk ? new ChunkDrafter(Policy, head) : new EagleDrafter(Policy, head);

    private static List<IReadOnlyList<int>> Contexts(int rows) => [.. Enumerable.Range(0, rows).Select(_ => (IReadOnlyList<int>)[1])];

    private static void Observe(ForwardOutput output, int[] committed, IReadOnlyList<IReadOnlyList<int>> next, params IHiddenStateDrafter[] drafters)
    {
        foreach (var d in drafters)
        {
            d.ObserveHidden(output.Hidden, 0, committed, next);
        }
    }
}
