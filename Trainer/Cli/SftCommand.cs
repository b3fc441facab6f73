using System.CommandLine;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Training;
using RlSpec.Trainer.Quickstart;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec sft</c>: warm-start the built-in policy on worked solutions and save the checkpoint.</summary>
public static class SftCommand
{
    public static Command Create()
    {
        var command = new Command("sft", "Warm-start the built-in policy on generated worked solutions of the built-in task.");
        var shared = WarmStartCliOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var (options, device) = shared.Read(parse, "sft");
            var report = new WarmStart(options, device).Run(ConsoleLog.For("sft"));
            Summary.PrintWarmStart(report);
            return 0;
        });
        return command;
    }
}
