using RlSpec.Trainer.Cli;

namespace RlSpec.Trainer.Tests.Cli;

/// <summary>Runs <c>rlspec</c> in-process and returns its exit code and what it wrote to stderr.</summary>
internal static class ConsoleCapture
{
    public static (int Code, string Error) Run(params string[] args)
    {
        var original = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            return (CliApp.Run(args), error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }
}
