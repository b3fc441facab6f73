namespace RlSpec.Trainer.Tests;

/// <summary>The repository checkout the tests run from (the folder holding RlSpec.sln above the test binaries).</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "RlSpec.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("RlSpec.sln not found above the test binaries");
    }
}
