using System.Data;
using System.Globalization;
using FluentAssertions;
using RlSpec.Policy.Tasks;
using Xunit;

namespace RlSpec.Policy.Tests.Tasks;

public sealed class ChainTaskTests
{
    private readonly ChainTask _task = new(new ChainTaskConfig());

    [Fact]
    public void A_chain_is_solved_left_to_right_one_column_scratchpad_per_operation()
    {
        var example = _task.Examples(seed: 1).First(e => e.Prompt.Count(c => c is '+' or '-') == 2);
        var steps = example.Solution!.Split(ChainTask.StepSeparator);
        steps.Should().HaveCount(2);
        steps.Should().OnlyContain(s => s.Contains(ColumnScratchpad.AnswerMarker));
        steps[^1].Should().EndWith($"A:{example.Answer}");
    }

    [Fact]
    public void Every_generated_solution_scores_full_reward_and_the_answer_is_the_chain_value()
    {
        foreach (var example in _task.Examples(seed: 3).Take(500))
        {
            var expected = Convert.ToInt64(new DataTable().Compute(example.Prompt.TrimEnd('='), null), CultureInfo.InvariantCulture);
            example.Answer.Should().Be(expected.ToString(CultureInfo.InvariantCulture));
            _task.Score(example, example.Solution!).Should().Be(RewardResult.Right(example.Answer));
            example.Solution.Should().Match(s => s.All(c => _task.Alphabet.Contains(c)));
        }
    }

    [Fact]
    public void Solution_lengths_have_a_long_tail()
    {
        var lengths = _task.Examples(seed: 4).Take(4000).Select(e => e.Solution!.Length).Order().ToList();
        var median = lengths[lengths.Count / 2];
        var p99 = lengths[(int)(lengths.Count * 0.99)];
        p99.Should().BeGreaterThan(3 * median, "most chains are short and a few are long");
        _task.Examples(seed: 4).Take(4000).Select(e => e.Prompt.Count(c => c is '+' or '-')).Max().Should().Be(6);
    }
}
