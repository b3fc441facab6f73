namespace RlSpec.Trainer.Quickstart;

/// <summary>Where runs go, and the rule that a command never writes over an existing run or checkpoint.</summary>
public static class RunDirectory
{
    /// <summary>A fresh, timestamped directory under <c>runs/</c>.</summary>
    public static string NewDefault(string kind) =>
        Path.Combine("runs", $"{kind}-{DateTime.Now:yyyyMMdd-HHmmss}");

    /// <summary>Refuses a target that already holds files, so an earlier run's outputs are never replaced.</summary>
    /// <param name="retry">What to do instead, naming the command's own flag (default: choose a new --out).</param>
    public static void EnsureFreshCheckpointTarget(string directory, string retry = "choose a new --out")
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new ArgumentException($"output directory '{directory}' already has files; {retry} (existing runs are never overwritten).");
        }
    }
}
