using FluentAssertions;
using RlSpec.Trainer.Rewards;
using Xunit;

namespace RlSpec.Trainer.Tests.Training;

public sealed class JsonlTaskTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-jsonl-").FullName;

    [Fact]
    public void A_malformed_line_fails_naming_the_file_and_line()
    {
        var path = Path.Combine(_dir, "data.jsonl");
        File.WriteAllLines(path, ["{\"prompt\": \"1+1=\", \"answer\": \"2\"}", "", "{\"prompt\": \"2+2=\"}"]);
        var act = () => new JsonlTask(path, new AnswerReward("exact", null));
        act.Should().Throw<InvalidDataException>().WithMessage($"{path}:3: expected an object with string field 'answer'*");
        File.WriteAllText(path, "{not json");
        act.Should().Throw<InvalidDataException>().WithMessage($"{path}:1: not valid JSON*");
    }

    [Theory]
    [InlineData("exact", null, " 42 ", "42", 1.0)]
    [InlineData("exact", @"A:(\S+)", "work A:41", "42", 0.0)]
    [InlineData("numeric", null, "so the total is 42.0 apples", "42", 1.0)]
    [InlineData("numeric", null, "no digits", "42", 0.0)]
    [InlineData("regex", null, "forty-two", "forty[- ]two", 1.0)]
    public void Rewards_extract_then_compare(string kind, string? pattern, string completion, string answer, double reward)
    {
        new AnswerReward(kind, pattern).Score(completion, answer).Reward.Should().Be(reward);
    }

    [Fact]
    public void Examples_cycle_through_every_row_in_a_seeded_order()
    {
        var path = Path.Combine(_dir, "data.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, 5).Select(i => $"{{\"id\": \"r{i}\", \"prompt\": \"{i}+0=\", \"answer\": \"{i}\"}}"));
        var task = new JsonlTask(path, new AnswerReward("exact", null));

        task.Examples(1).Take(5).Select(e => e.Id).Should().BeEquivalentTo(["r0", "r1", "r2", "r3", "r4"]);
        task.Examples(1).Take(10).Select(e => e.Id).Should().Equal(task.Examples(1).Take(10).Select(e => e.Id));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
