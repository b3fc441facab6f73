using RlSpec.Trainer.Quickstart;

namespace RlSpec.Trainer.Cli;

/// <summary>Timestamped progress lines on stderr, so stdout stays clean for summaries and JSON. On a terminal the log
/// also keeps one updating line for long phases (<see cref="PhaseProgress"/>); redirected, every line is a plain line.</summary>
public static class ConsoleLog
{
    public static IProgress<string> For(string stage) => Console.IsErrorRedirected
        ? new SynchronousProgress<string>(line => Console.Error.WriteLine(Stamp(stage, line)))
        : new Terminal(stage);

    private static string Stamp(string stage, string line) => $"[{DateTime.Now:HH:mm:ss}] {stage}: {line}";

    private sealed class Terminal(string stage) : ILiveLog
    {
        // Carriage return, then erase the line: the updating line is redrawn in place.
        private const string Redraw = "\r\u001b[2K";

        public void Report(string value) => Console.Error.Write($"{Redraw}{Stamp(stage, value)}\n");

        public void Update(string line) => Console.Error.Write($"{Redraw}{Stamp(stage, line)}");
    }
}
