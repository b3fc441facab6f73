using System.CommandLine;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Runtime;
using RlSpec.Trainer.Config;

namespace RlSpec.Trainer.Cli;

/// <summary>The <c>rlspec</c> command line: each sub-command lives in its own file.</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        var root = Root();
        if (Console.IsOutputRedirected)
        {
            // Tables in logs and notebooks should not wrap at the 80-column default.
            Spectre.Console.AnsiConsole.Profile.Width = 200;
        }

        try
        {
            // No command at all: the overview of commands is the useful answer.
            var parse = root.Parse(args.Length == 0 ? ["--help"] : args);
            if (FlagCheck.Problem(parse) is { } problem)
            {
                Console.Error.WriteLine($"error: {problem}");
                return 2;
            }

            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is TorchUnavailableException or CheckpointFormatException or ConfigException or InvalidDataException or FileNotFoundException or ArgumentException
            or Cluster.ClusterException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>Every command, for parsing and for tests that check the flags the README promises.</summary>
    public static RootCommand Root() =>
        new RootCommand("RlSpec: RL post-training of language models with lossless speculative rollouts.")
        {
            QuickstartCommand.Create(),
            SftCommand.Create(),
            EvalCommand.Create(),
            BenchCommand.Create(),
            TrainDrafterCommand.Create(),
            TrainMtpCommand.Create(),
            TrainEagleCommand.Create(),
            TrainEagleCommand.Create(chunk: true),
            ExperimentCommand.Create(),
            TrainCommand.Create(),
            SweepCommand.Create(),
            ReportCommand.Create(),
            WorkerCommand.Create(),
            VerifyLosslessCommand.Create(),
            InspectCommand.Create(),
        };
}
