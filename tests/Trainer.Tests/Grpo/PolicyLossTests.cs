using FluentAssertions;
using RlSpec.Trainer.Grpo;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Tests.Grpo;

public sealed class PolicyLossTests
{
    [Fact]
    public void On_policy_the_loss_is_minus_the_token_mean_advantage_and_nothing_is_clipped()
    {
        var logp = tensor(new float[,] { { -1f, -2f, 0f }, { -0.5f, 0f, 0f } });
        var mask = tensor(new float[,] { { 1f, 1f, 0f }, { 1f, 0f, 0f } });
        var terms = PolicyLoss.Compute(logp, logp, tensor(new[] { 2f, -1f }), mask, totalTokens: 3, 0.2, 0.28);

        terms.Loss.item<float>().Should().BeApproximately(-(2 + 2 - 1) / 3f, 1e-6f, "token-level: every completion token weighs the same");
        terms.ClippedTokens.item<float>().Should().Be(0);
    }

    [Fact]
    public void Ratios_beyond_the_clip_range_stop_pushing_in_the_advantage_direction()
    {
        var old = tensor(new float[,] { { -1f } });
        var grown = old.Plus(1.0).requires_grad_(true);      // ratio e ≈ 2.72 > 1.28
        var terms = PolicyLoss.Compute(grown, old, tensor(new[] { 1f }), ones(1, 1), 1, 0.2, 0.28);
        terms.Loss.backward();

        terms.Loss.item<float>().Should().BeApproximately(-1.28f, 1e-5f);
        terms.ClippedTokens.item<float>().Should().Be(1);
        grown.grad!.abs().sum().item<float>().Should().Be(0, "the clipped branch is constant in the ratio");
    }

    [Fact]
    public void The_kl_term_is_zero_at_the_reference_and_positive_away_from_it()
    {
        var logp = tensor(new float[,] { { -1f, -2f } });
        var mask = ones(1, 2);
        PolicyLoss.Compute(logp, logp, zeros(1), mask, 2, 0.2, 0.2, klBeta: 0.5, refLogProbs: logp).KlSum.item<float>().Should().Be(0);
        PolicyLoss.Compute(logp, logp, zeros(1), mask, 2, 0.2, 0.2, klBeta: 0.5, refLogProbs: logp.Minus(0.3f)).KlSum.item<float>().Should().BeGreaterThan(0);
    }
}
