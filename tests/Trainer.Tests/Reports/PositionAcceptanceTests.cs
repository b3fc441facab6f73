using FluentAssertions;
using RlSpec.Trainer.Reports;
using Xunit;

namespace RlSpec.Trainer.Tests.Reports;

public sealed class PositionAcceptanceTests
{
    [Fact]
    public void A_step_with_four_drafts_and_two_accepted_accepts_positions_1_and_2_and_rejects_3()
    {
        var p = new PositionAcceptance();
        p.AddStep(drafts: 4, accepted: 2);
        p.Reached.Should().Equal(1, 1, 1, 0);
        p.Accepted.Should().Equal(1, 1, 0, 0);
        p.Drafted.Should().Equal(1, 1, 1, 1);
    }

    [Fact]
    public void A_fully_accepted_step_rejects_nothing_and_a_step_without_drafts_counts_nowhere()
    {
        var p = new PositionAcceptance();
        p.AddStep(3, 3);
        p.AddStep(0, 0);
        p.Reached.Should().Equal(1, 1, 1);
        p.Accepted.Should().Equal(1, 1, 1);
    }

    [Fact]
    public void Rates_are_conditional_on_reaching_a_position_or_on_drafting_it()
    {
        var p = new PositionAcceptance();
        p.AddStep(2, 0); // position 1 rejected
        p.AddStep(2, 1); // 1 accepted, 2 rejected
        p.AddStep(2, 2); // both accepted
        p.ReachedRate(1).Should().BeApproximately(2.0 / 3, 1e-12);
        p.ReachedRate(2).Should().BeApproximately(1.0 / 2, 1e-12);
        p.DraftedRate(2).Should().BeApproximately(1.0 / 3, 1e-12);
    }

    [Fact]
    public void Per_token_flags_give_the_same_reached_and_accepted_counts_as_the_per_step_counts()
    {
        // Three verify steps: (d=4, a=2), (d=4, a=4), (d=3, a=0). Emitted tokens carry their draft position; a
        // rejected draft's slot holds the recovered token (accepted false); the bonus token has position 0.
        var steps = new[] { (4, 2), (4, 4), (3, 0) };
        var fromSteps = new PositionAcceptance();
        foreach (var (d, a) in steps)
        {
            fromSteps.AddStep(d, a);
        }

        var fromTokens = new PositionAcceptance();
        foreach (var (d, a) in steps)
        {
            for (var i = 1; i <= a; i++)
            {
                fromTokens.AddToken(i, accepted: true);
            }

            fromTokens.AddToken(a < d ? a + 1 : 0, accepted: false);
            fromTokens.AddDrafted(d);
        }

        fromTokens.Reached.Should().Equal(fromSteps.Reached);
        fromTokens.Accepted.Should().Equal(fromSteps.Accepted);
        fromTokens.Drafted.Should().Equal(fromSteps.Drafted);
    }
}
