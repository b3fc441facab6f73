namespace RlSpec.Trainer.Cli;

/// <summary>Timestamped progress lines on stderr, so stdout stays clean for summaries and JSON.</summary>
public static class ConsoleLog
{
    public static IProgress<string> For(string stage) =>
        new Quickstart.SynchronousProgress<string>(line => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {stage}: {line}"));
}
