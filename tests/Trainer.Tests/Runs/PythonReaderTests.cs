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

        var start = new ProcessStartInfo(Python(), [ReaderScript(), path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();

        process.ExitCode.Should().Be(0, errors);
        output.Should().Contain("3 records, steps [1, 2, 3]").And.Contain("mean reward 0.500000").And.Contain("mean response length 3.000000");
        errors.Should().Contain("torn record");
    }

    /// <summary>The interpreter scripts/setup.sh equips: $RLSPEC_PYTHON, else Debian's python3, else the one on PATH.</summary>
    private static string Python() =>
        Environment.GetEnvironmentVariable("RLSPEC_PYTHON") is { Length: > 0 } configured ? configured : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private static string ReaderScript() => Path.Combine(RepoRoot.Path, "experiments", "rollout_logs", "rlspec_logs.py");

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
