using System.Diagnostics;
using FluentAssertions;
using RlSpec.Trainer.Runs;
using Xunit;

namespace RlSpec.Trainer.Tests.Runs;

public sealed class PythonReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-py-").FullName;

    [Fact]
    public void The_python_reader_reads_what_the_csharp_writer_wrote_and_skips_a_torn_tail()
    {
        var path = Path.Combine(_dir, RolloutLog.FileName);
        RolloutLog.Append(path, Enumerable.Range(1, 3).Select(i => new RolloutRecord { Step = i, ResponseTokens = [1, 2, i], Reward = i * 0.25, DraftCounts = [4], AcceptCounts = [2] }));
        File.AppendAllText(path, "xx");   // a torn next record

        var (exitCode, output, errors) = RunReader(path);

        exitCode.Should().Be(0, errors);
        output.Should().Contain("3 records, steps [1, 2, 3]").And.Contain("mean reward 0.500000").And.Contain("mean response length 3.000000");
        errors.Should().Contain("torn record");
    }

    [Fact]
    public void The_python_reader_reads_schema_1_logs_with_the_flags_the_csharp_reader_derives_and_schema_2_flags_as_written()
    {
        var path = SchemaOneRecord.FileNameFor(_dir);
        SchemaOneRecord.Write(path, SchemaOneRecord.Samples);
        RolloutLog.Append(path, [new RolloutRecord
        {
            SchemaVersion = RolloutRecord.CurrentSchemaVersion, Step = 3, ResponseTokens = [1, 2], LogProbs = [-1, -2], LogProbsProcessed = [-0.5f, -1],
            DraftCounts = [3], AcceptCounts = [1], DraftPosition = [1, 2], Accepted = [true, false], DrafterVersion = 2, DrafterHash = "0123456789ab",
        }]);

        var (exitCode, output, errors) = RunReader(path);

        exitCode.Should().Be(0, errors);
        output.Should().Contain("3 records, steps [1, 2, 3]").And.Contain("schema versions [1, 2]");
        var flags = RolloutLog.Read(path).Records.Select(r => $"flags {string.Concat(r.DraftPosition)} {string.Concat(r.Accepted.Select(a => a ? '1' : '0'))}");
        output.Should().Contain(string.Join('\n', flags));
        // Slot 1: 5 of 5 accepted; slot 2: 3 of 5; slot 3: 1 of 2.
        output.Should().Contain("acceptance by position 1:1.000 2:0.600 3:0.500");
    }

    private static (int ExitCode, string Output, string Errors) RunReader(string path)
    {
        var start = new ProcessStartInfo(Python(), [ReaderScript(), path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, errors);
    }

    /// <summary>The interpreter scripts/setup.sh equips: $RLSPEC_PYTHON, else Debian's python3, else the one on PATH.</summary>
    private static string Python() =>
        Environment.GetEnvironmentVariable("RLSPEC_PYTHON") is { Length: > 0 } configured ? configured : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private static string ReaderScript() => Path.Combine(RepoRoot.Path, "experiments", "rollout_logs", "rlspec_logs.py");

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
