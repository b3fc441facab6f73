using System.Globalization;
using FluentAssertions;
using RlSpec.Policy.Tasks;
using Xunit;

namespace RlSpec.Policy.Tests.Tasks;

public sealed class ArithmeticTaskTests
{
    private readonly ArithmeticTask _task = new(new ArithmeticTaskConfig(MinDigits: 1, MaxDigits: 4));

    [Fact]
    public void Worked_solutions_are_column_steps_ending_in_the_right_answer()
    {
        ColumnScratchpad.Write(347, '+', 85).Should().Be("7+5+0=12,4+8+1=13,3+0+1=04,A:432");
        ColumnScratchpad.Write(502, '-', 37).Should().Be("2-7-0=15,0-3-1=16,5-0-1=04,A:465");
        ColumnScratchpad.Write(347, '+', 85, resultFirst: true).Should().Be("12=7+5+0,13=4+8+1,04=3+0+1,A:432");
    }

    [Fact]
    public void Every_generated_solution_scores_full_reward()
    {
        foreach (var example in _task.Examples(seed: 3).Take(500))
        {
            var parts = example.Prompt.TrimEnd('=').Split('+', '-');
            var a = long.Parse(parts[0], CultureInfo.InvariantCulture);
            var b = long.Parse(parts[1], CultureInfo.InvariantCulture);
            var expected = example.Prompt.Contains('+') ? a + b : a - b;
            example.Answer.Should().Be(expected.ToString(CultureInfo.InvariantCulture));
            expected.Should().BeGreaterThanOrEqualTo(0);
            _task.Score(example, example.Solution!).Should().Be(RewardResult.Right(example.Answer));
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_problems()
    {
        _task.Examples(5).Take(20).Should().Equal(_task.Examples(5).Take(20));
        _task.Examples(5).Take(20).Should().NotEqual(_task.Examples(6).Take(20));
    }

    [Theory]
    [InlineData("7+5+0=12,A:12", 1.0, null)]
    [InlineData("A:11,A:12", 1.0, null)]
    [InlineData("7+5+0=12,A:13", 0.0, "expected 12")]
    [InlineData("7+5+0=12", 0.0, "no 'A:' answer marker")]
    [InlineData("A:1x2", 0.0, "answer '1x2' is not an integer")]
    [InlineData("A:", 0.0, "answer '' is not an integer")]
    [InlineData("", 0.0, "no 'A:' answer marker")]
    public void Reward_is_one_only_for_the_exact_final_answer(string completion, double reward, string? failure)
    {
        var example = new TaskExample("t", "7+5=", "12", null);
        var result = _task.Score(example, completion);
        result.Reward.Should().Be(reward);
        result.Failure.Should().Be(failure);
    }

    [Theory]
    [InlineData(0, 3, "+")]
    [InlineData(3, 2, "+")]
    [InlineData(1, 3, "*")]
    [InlineData(1, 3, "")]
    public void Invalid_difficulty_is_refused(int min, int max, string ops)
    {
        var act = () => new ArithmeticTask(new ArithmeticTaskConfig(min, max, ops));
        act.Should().Throw<ArgumentException>();
    }
}
