using FluentAssertions;
using RlSpec.Trainer.Runs;
using Xunit;

namespace RlSpec.Trainer.Tests.Runs;

public sealed class RolloutLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-log-").FullName;

    private static RolloutRecord Record(int step, string text) => new()
    {
        SchemaVersion = RolloutRecord.CurrentSchemaVersion,
        Step = step,
        PromptId = $"p{step}",
        ResponseText = text,
        ResponseTokens = [1, 2, 3],
        LogProbs = [-0.1f, -0.2f, -0.3f],
        LogProbsProcessed = [-0.05f, -0.1f, -0.2f],
        Reward = 1,
        DraftCounts = [4],
        AcceptCounts = [2],
        DraftPosition = [1, 2, 3],
        Accepted = [true, true, false],
        Drafter = "eagle",
        DrafterVersion = step - 1,
        DrafterHash = "0123456789ab",
    };

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

    [Fact]
    public void A_log_written_in_schema_1_still_reads_with_its_draft_flags_derived()
    {
        var path = SchemaOneRecord.FileNameFor(_dir);
        SchemaOneRecord.Write(path, SchemaOneRecord.Samples);

        var (records, problem) = RolloutLog.Read(path);

        problem.Should().BeNull();
        records.Select(r => r.SchemaVersion).Should().Equal(1, 1);
        records.Select(r => r.ResponseText).Should().Equal("abcdefg", "abcd");
        records.Should().OnlyContain(r => r.DrafterVersion == null);
        records.Should().OnlyContain(r => r.LogProbsProcessed.Length == 0 && r.DrafterHash == null);
        for (var i = 0; i < records.Count; i++)
        {
            records[i].DraftPosition.Should().Equal(SchemaOneRecord.ExpectedFlags[i].Position);
            records[i].Accepted.Should().Equal(SchemaOneRecord.ExpectedFlags[i].Accepted);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
