using System.CommandLine;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec bench ...</c>: throughput measurements (benchmarks, not tests).</summary>
public static class BenchCommand
{
    public static Command Create() => new("bench", "Throughput benchmarks.")
    {
        BenchDecodeCommand.Create(), BenchGenerationCommand.Create(), BenchRolloutCommand.Create(), BenchLoadCommand.Create(), BenchLoadCommand.CreateChild(),
    };
}
