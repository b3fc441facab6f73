using FluentAssertions;
using RlSpec.Policy.Model;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Policy.Tests.Model;

/// <summary>
/// Every cached path must give the logits of one full, cache-free forward. Tolerance: 1e-5 of the largest logit
/// (float32 summation order differs between one big matmul and several small ones; the test weights are scaled
/// up so logits are large and distinct).
/// </summary>
public sealed class KvCacheEquivalenceTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(true, false, 2)]
    [InlineData(false, true, 1)]
    [InlineData(true, false, 4)]
    public void Decode_with_cache_equals_full_forward(bool tied, bool bias, int kvHeads)
    {
        using var _ = no_grad();
        var model = TinyPolicies.Create(tied, bias, kvHeads);
        var tokens = TinyPolicies.Tokens(1, 2, 10);
        var full = model.Forward(tokens).Logits;

        using var cache = model.NewCache(2, 16);
        var parts = new List<Tensor> { model.Forward(tokens[.., ..4], cache).Logits };
        for (var t = 4; t < 10; t++)
        {
            parts.Add(model.Forward(tokens[.., t..(t + 1)], cache).Logits);
        }

        RelDiff(cat(parts, 1), full).Should().BeLessThan(Tolerance);
        cache.Lengths.Should().Equal(10, 10);
    }

    [Fact]
    public void Batched_prefill_and_decode_with_mixed_prompt_lengths_equals_each_sequence_alone()
    {
        using var _ = no_grad();
        var model = TinyPolicies.Create();
        int[] lengths = [3, 7, 5];
        var padded = TinyPolicies.Tokens(2, 3, 7);
        var next = TinyPolicies.Tokens(3, 3, 4);
        using var cache = model.NewCache(3, 16);
        var prefill = model.Forward(padded, cache, lengths).Logits;
        var decoded = Enumerable.Range(0, 4).Select(t => model.Forward(next[.., t..(t + 1)], cache).Logits).ToList();

        for (var b = 0; b < 3; b++)
        {
            var alone = cat([padded[b..(b + 1), ..lengths[b]], next[b..(b + 1)]], 1);
            var reference = model.Forward(alone).Logits[0];                             // [len+4, V]
            RelDiff(prefill[b, ..lengths[b]], reference[..lengths[b]]).Should().BeLessThan(Tolerance);
            for (var t = 0; t < 4; t++)
            {
                RelDiff(decoded[t][b, 0], reference[lengths[b] + t]).Should().BeLessThan(Tolerance);
            }
        }

        cache.Lengths.Should().Equal(7, 11, 9);
    }

    [Fact]
    public void Verifying_k_plus_one_tokens_in_one_pass_equals_k_plus_one_sequential_decodes()
    {
        using var _ = no_grad();
        var model = TinyPolicies.Create();
        var prompt = TinyPolicies.Tokens(4, 2, 6);
        var draft = TinyPolicies.Tokens(5, 2, 5);
        using var oneByOne = model.NewCache(2, 16);
        using var together = model.NewCache(2, 16);
        model.Forward(prompt, oneByOne);
        model.Forward(prompt, together);

        var sequential = cat(Enumerable.Range(0, 5).Select(t => model.Forward(draft[.., t..(t + 1)], oneByOne).Logits).ToList(), 1);
        var verified = model.Forward(draft, together).Logits;

        RelDiff(verified, sequential).Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void Rolling_back_then_decoding_equals_never_having_decoded_the_rejected_tokens()
    {
        using var _ = no_grad();
        var model = TinyPolicies.Create();
        var prompt = TinyPolicies.Tokens(6, 2, 5);
        var rejected = TinyPolicies.Tokens(7, 2, 4);
        var accepted = TinyPolicies.Tokens(8, 2, 3);

        using var cache = model.NewCache(2, 16);
        model.Forward(prompt, cache);
        model.Forward(rejected, cache);
        cache.Rollback(0, 5);      // sequence 0 rejects all four
        cache.Rollback(1, 7);      // sequence 1 keeps two of them: ragged acceptance
        var afterRollback = model.Forward(accepted, cache).Logits;

        var row0 = model.Forward(cat([prompt[0..1], accepted[0..1]], 1)).Logits[0, 5..];
        var row1 = model.Forward(cat([prompt[1..2], rejected[1..2, ..2], accepted[1..2]], 1)).Logits[0, 7..];
        RelDiff(afterRollback[0], row0).Should().BeLessThan(Tolerance);
        RelDiff(afterRollback[1], row1).Should().BeLessThan(Tolerance);
        cache.Lengths.Should().Equal(8, 10);
    }

    [Fact]
    public void A_group_sharing_one_prompt_prefill_copied_row_by_row_equals_separate_prefills()
    {
        using var _ = no_grad();
        var model = TinyPolicies.Create();
        var prompts = TinyPolicies.Tokens(9, 2, 6);
        const int group = 3;
        var continuations = TinyPolicies.Tokens(10, 2 * group, 4);

        // Parking rows 6 and 7 hold the two prefills; rows 0..5 are the group's slots, as the rollout engine lays them out.
        using var shared = model.NewCache(2 * group + 2, 16);
        model.Forward(prompts, shared.Slice(2 * group, 2), [6, 4]);
        shared.CopyRows([.. Enumerable.Range(0, 2 * group).Select(row => (2 * group) + (row / group))], [.. Enumerable.Range(0, 2 * group)]);

        var slots = shared.Slice(0, 2 * group);
        var fromShared = model.Forward(continuations, slots).Logits;

        using var separate = model.NewCache(2 * group, 16);
        model.Forward(prompts.repeat_interleave(group, dim: 0), separate, [6, 6, 6, 4, 4, 4]);
        var fromSeparate = model.Forward(continuations, separate).Logits;

        slots.Lengths.Should().Equal(10, 10, 10, 8, 8, 8);
        shared.Lengths.Should().Equal(10, 10, 10, 8, 8, 8, 6, 4);
        RelDiff(fromShared, fromSeparate).Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void A_short_row_copied_over_a_longer_one_leaves_nothing_of_the_old_sequence_visible()
    {
        // Copies move only the source's valid positions, so the destination keeps stale keys past the new length.
        using var _ = no_grad();
        var model = TinyPolicies.Create();
        using var cache = model.NewCache(2, 16);
        model.Forward(TinyPolicies.Tokens(14, 1, 11), cache.Slice(0, 1));
        var prompt = TinyPolicies.Tokens(15, 1, 3);
        model.Forward(prompt, cache.Slice(1, 1));
        cache.CopyRows([1], [0]);
        var next = TinyPolicies.Tokens(16, 1, 4);
        var copied = model.Forward(next, cache.Slice(0, 1)).Logits;

        var alone = model.Forward(cat([prompt, next], 1)).Logits[.., 3..];
        cache.Lengths.Should().Equal(7, 3);
        RelDiff(copied, alone).Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void A_slice_is_a_view_whose_writes_and_lengths_land_in_the_whole_cache()
    {
        using var _ = no_grad();
        var model = TinyPolicies.Create();
        var tokens = TinyPolicies.Tokens(12, 3, 5);
        using var whole = model.NewCache(3, 16);
        model.Forward(tokens, whole);
        var next = TinyPolicies.Tokens(13, 2, 1);
        var viaSlice = model.Forward(next, whole.Slice(1, 2)).Logits;

        using var reference = model.NewCache(2, 16);
        model.Forward(tokens[1..3], reference);
        var direct = model.Forward(next, reference).Logits;

        whole.Lengths.Should().Equal(5, 6, 6);
        RelDiff(viaSlice, direct).Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void Cache_overflow_is_refused_with_a_clear_message()
    {
        using var _ = no_grad();
        var model = TinyPolicies.Create();
        using var cache = model.NewCache(1, 4);
        var act = () => model.Forward(TinyPolicies.Tokens(11, 1, 5), cache);
        act.Should().Throw<InvalidOperationException>().WithMessage("*capacity is 4*");
    }

    internal static double MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    /// <summary>Largest difference relative to the reference's largest magnitude (at least 1).</summary>
    internal static double RelDiff(Tensor actual, Tensor reference) =>
        MaxDiff(actual, reference) / Math.Max(1.0, reference.abs().max().item<float>());
}
