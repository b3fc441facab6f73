using System.CommandLine;
using RlSpec.Trainer.Quickstart;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// <c>rlspec sft</c>: warm-start the built-in policy on worked solutions and save the checkpoint. <c>quickstart</c>
/// runs the same job under its own name until RL training joins it.
/// </summary>
public static class SftCommand
{
    public static Command Create(string name = "sft", string description = "Warm-start the built-in policy on generated worked solutions of the built-in task.")
    {
        var command = new Command(name, description);
        var shared = WarmStartCliOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var (options, device) = shared.Read(parse, name);
            var report = new WarmStart(options, device).Run(ConsoleLog.For(name));
            Summary.PrintWarmStart(report);
            return 0;
        });
        return command;
    }
}
