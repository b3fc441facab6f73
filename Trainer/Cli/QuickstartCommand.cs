using System.CommandLine;
using RlSpec.Trainer.Quickstart;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec quickstart</c>: the main job on built-in defaults (for now: warm start and report accuracy).</summary>
public static class QuickstartCommand
{
    public static Command Create()
    {
        var command = new Command("quickstart", "Run the built-in pipeline end to end on defaults: warm-start the built-in policy and report its accuracy.");
        var shared = WarmStartCliOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var (options, device) = shared.Read(parse, "quickstart");
            var report = new WarmStart(options, device).Run(ConsoleLog.For("quickstart"));
            Summary.PrintWarmStart(report);
            return 0;
        });
        return command;
    }
}
