using FluentAssertions;
using RlSpec.Drafter.NGram;
using RlSpec.Policy.Sampling;
using Xunit;

namespace RlSpec.Drafter.Tests.NGram;

public sealed class NGramDrafterTests
{
    [Fact]
    public void Proposes_what_followed_the_latest_earlier_match_of_the_longest_suffix()
    {
        var drafter = new NGramDrafter(minN: 1, maxN: 3);
        //                         0  1  2  3  4  5  6  7  8  9
        int[] context = [5, 6, 7, 8, 9, 5, 6, 7, 1, 5, 6, 7];
        // suffix [5,6,7] last occurred at 5..7 (followed by 1, 5, 6, 7) — more recent than 0..2.
        drafter.Lookup(context, 3).Should().Equal(1, 5, 6);
    }

    [Fact]
    public void Falls_back_to_shorter_suffixes_and_to_nothing()
    {
        var drafter = new NGramDrafter(minN: 1, maxN: 3);
        drafter.Lookup([4, 2, 9, 3, 2], 2).Should().Equal(new[] { 9, 3 }, "only the 1-gram [2] recurs");
        drafter.Lookup([1, 2, 3], 2).Should().BeEmpty();
        drafter.Lookup([7, 7], 4).Should().Equal(new[] { 7 }, "a continuation stops at the end of the context");
    }

    [Fact]
    public void Batched_proposals_are_one_hot_and_ragged()
    {
        var drafter = new NGramDrafter();
        var sampler = new TokenSampler(0);
        var proposal = drafter.Propose([[1, 2, 1], [3, 4, 5, 3], [5, 6]], 2, sampler);
        proposal.Probabilities.Should().BeNull("deterministic drafters report one-hot q");
        proposal.Counts.Should().Equal(2, 2, 0);
        proposal.Tokens[0].data<long>().ToArray().Should().Equal(2, 1);
    }

    [Fact]
    public void Invalid_n_is_refused()
    {
        var act = () => new NGramDrafter(minN: 3, maxN: 2);
        act.Should().Throw<ArgumentException>().WithMessage("*min_n*");
    }
}
