using FluentAssertions;
using RlSpec.Trainer.Grpo;
using Xunit;

namespace RlSpec.Trainer.Tests.Grpo;

public sealed class GroupAdvantagesTests
{
    [Fact]
    public void Each_group_is_centred_on_its_own_mean_and_scaled_by_its_own_std()
    {
        var advantages = GroupAdvantages.Compute([1, 0, 0, 0, 1, 1, 1, 1], groupSize: 4);

        advantages.Take(4).Should().Equal([Math.Sqrt(3), -1 / Math.Sqrt(3), -1 / Math.Sqrt(3), -1 / Math.Sqrt(3)], (a, b) => Math.Abs(a - b) < 1e-5);
        advantages.Skip(4).Should().OnlyContain(a => a == 0, "a group where every sample scored the same carries no signal");
    }

    [Fact]
    public void Without_std_scaling_advantages_are_plain_differences_from_the_group_mean()
    {
        GroupAdvantages.Compute([3, 1], 2, scaleByStd: false).Should().Equal(1, -1);
        var act = () => GroupAdvantages.Compute([1, 2, 3], 2);
        act.Should().Throw<ArgumentException>().WithMessage("*groups of 2*");
    }
}
