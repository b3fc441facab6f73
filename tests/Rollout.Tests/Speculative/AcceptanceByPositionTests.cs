using FluentAssertions;
using RlSpec.Rollout.Speculative;
using Xunit;

namespace RlSpec.Rollout.Tests.Speculative;

public sealed class AcceptanceByPositionTests
{
    [Fact]
    public void Independent_acceptance_gives_the_geometric_expectation()
    {
        var random = new Random(1);
        var estimate = new AcceptanceByPosition(4, decay: 0.001);
        for (var step = 0; step < 500; step++)
        {
            var accepted = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 4).TakeWhile(_ => random.NextDouble() < 0.8).Count()).ToArray();
            estimate.Observe(Enumerable.Repeat(4, 64).ToArray(), accepted);
        }

        estimate.ExpectedTokens(4).Should().BeApproximately(SpeculationCostModel.ExpectedTokens(0.8, 4), 0.05);
        estimate.ExpectedTokens(2).Should().BeApproximately(SpeculationCostModel.ExpectedTokens(0.8, 2), 0.05);
    }

    [Fact]
    public void A_drafter_surer_of_early_positions_is_credited_with_what_it_really_emits()
    {
        // Every row accepts its first three drafts and rejects the fourth: 75 % of drafts are accepted and every step
        // emits 4 tokens, where the geometric formula at 0.75 would say 3.05.
        var estimate = new AcceptanceByPosition(4);
        for (var step = 0; step < 10; step++)
        {
            estimate.Observe(Enumerable.Repeat(4, 8).ToArray(), Enumerable.Repeat(3, 8).ToArray());
        }

        estimate.ExpectedTokens(4).Should().BeApproximately(4.0, 1e-9);
        estimate.ExpectedTokens(3).Should().BeApproximately(4.0, 1e-9);
        SpeculationCostModel.ExpectedTokens(0.75, 4).Should().BeLessThan(3.1);
    }

    [Fact]
    public void Rows_with_fewer_drafts_and_steps_without_any_are_counted_only_where_they_were_judged()
    {
        var estimate = new AcceptanceByPosition(4);
        estimate.Observe([0, 0], [0, 0]);
        estimate.HasValue.Should().BeFalse("no draft was judged");

        // A row clamped to one draft (at its context limit) says nothing about positions 2..4.
        estimate.Observe([1, 4], [1, 1]);
        estimate.Conditional(1).Should().Be(1.0);
        estimate.Conditional(2).Should().Be(0.0, "the only row that proposed a second draft had it rejected");
    }

    [Fact]
    public void A_drafter_that_goes_stale_is_noticed_within_a_hundred_steps()
    {
        var estimate = new AcceptanceByPosition(4);
        for (var step = 0; step < 200; step++)
        {
            estimate.Observe(Enumerable.Repeat(4, 16).ToArray(), Enumerable.Repeat(4, 16).ToArray());
        }

        estimate.ExpectedTokens(4).Should().BeApproximately(5.0, 1e-9);
        for (var step = 0; step < 100; step++)
        {
            estimate.Observe(Enumerable.Repeat(4, 16).ToArray(), new int[16]);
        }

        estimate.ExpectedTokens(4).Should().BeLessThan(1.1);
    }
}
