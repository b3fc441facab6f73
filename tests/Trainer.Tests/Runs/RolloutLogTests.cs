using FluentAssertions;
using RlSpec.Trainer.Runs;
using Xunit;

namespace RlSpec.Trainer.Tests.Runs;

public sealed class RolloutLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-log-").FullName;

    private static RolloutRecord Record(int step, string text) =>
        new() { Step = step, PromptId = $"p{step}", ResponseText = text, ResponseTokens = [1, 2, 3], LogProbs = [-0.1f, -0.2f, -0.3f], Reward = 1, DraftCounts = [4], AcceptCounts = [2], Drafter = "eagle" };

    [Fact]
    public void Records_round_trip_and_a_torn_last_record_is_skipped_and_reported_not_fatal()
    {
        var path = Path.Combine(_dir, RolloutLog.FileName);
        RolloutLog.Append(path, [Record(1, "a"), Record(2, "b")]);
        RolloutLog.Append(path, [Record(3, "c")]);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length - 5);   // a crash mid-write
        }

        var (records, problem) = RolloutLog.Read(path);

        records.Select(r => r.ResponseText).Should().Equal("a", "b");
        records[0].Should().BeEquivalentTo(Record(1, "a"));
        problem.Should().Contain("torn record");
    }

    [Fact]
    public void Truncating_for_a_resume_keeps_records_up_to_the_checkpoint_step()
    {
        var path = Path.Combine(_dir, RolloutLog.FileName);
        RolloutLog.Append(path, [Record(1, "a"), Record(2, "b"), Record(3, "c")]);

        RolloutLog.TruncateAfterStep(path, 2);
        RolloutLog.Append(path, [Record(3, "c2")]);

        var (records, problem) = RolloutLog.Read(path);
        records.Select(r => r.ResponseText).Should().Equal("a", "b", "c2");
        problem.Should().BeNull();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
