using FluentAssertions;
using RlSpec.Rollout.Speculative;
using Xunit;

namespace RlSpec.Rollout.Tests.Speculative;

public sealed class RowAcceptanceTests
{
    [Fact]
    public void A_row_starts_at_the_shared_estimate_and_moves_with_its_own_steps()
    {
        var row = new RowAcceptance(decay: 0.2, priorDrafts: 3);
        row.Factor.Should().Be(1.0, "no step of its own yet");
        row.ExpectedTokens(sharedTokens: 4.0, k: 4).Should().Be(4.0);

        row.Observe(accepted: 0, expected: 3.0);
        row.Factor.Should().Be(0.5, "(0 + 3) / (3 + 3): one step moves it halfway");
        row.ExpectedTokens(4.0, 4).Should().Be(2.5, "1 + 0.5 x the 3 drafts the shared estimate expects");

        for (var step = 0; step < 20; step++)
        {
            row.Observe(accepted: 1, expected: 3.0);
        }

        row.Factor.Should().BeApproximately((5.0 + 3) / (15 + 3), 0.01, "its own steps, decayed to about 5 of them, outweigh the 3 prior drafts");
    }

    [Fact]
    public void A_row_better_than_the_shared_estimate_is_credited_with_at_most_all_its_drafts()
    {
        var row = new RowAcceptance(decay: 0.2, priorDrafts: 3);
        for (var step = 0; step < 20; step++)
        {
            row.Observe(accepted: 4, expected: 2.0);
        }

        row.Factor.Should().BeGreaterThan(1.5);
        row.ExpectedTokens(3.0, 2).Should().Be(3.0, "2 drafts and the token verification adds");
        row.ExpectedTokens(3.0, 4).Should().BeApproximately(1 + (row.Factor * 2.0), 1e-12);
    }
}
