using System.CommandLine;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec quickstart</c>: the main job on built-in defaults (for now: warm start and report accuracy).</summary>
public static class QuickstartCommand
{
    public static Command Create() =>
        SftCommand.Create("quickstart", "Run the built-in pipeline end to end on defaults: warm-start the built-in policy and report its accuracy.");
}
