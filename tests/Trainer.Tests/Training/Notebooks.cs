using System.Diagnostics;
using System.Text.Json.Nodes;
using FluentAssertions;

namespace RlSpec.Trainer.Tests.Training;

/// <summary>Executes the notebooks of <c>experiments/rollout_logs</c> with <c>jupyter nbconvert --execute</c> (Debian's
/// jupyter-nbconvert and python3-ipykernel, which scripts/setup.sh installs) and reads what they produced.</summary>
internal static class Notebooks
{
    private static string Folder => Path.Combine(RepoRoot.Path, "experiments", "rollout_logs");

    /// <summary>Runs <paramref name="notebook"/> from <paramref name="workingDirectory"/> (as a researcher's shell would, so $PWD
    /// names it), writing the executed copy into <paramref name="outputDirectory"/>; fails with nbconvert's output on any cell error.</summary>
    public static JsonNode Execute(string notebook, string outputDirectory, string workingDirectory, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("jupyter",
            ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300", "--ExecutePreprocessor.kernel_name=python3",
                "--output-dir", outputDirectory, Path.Combine(Folder, notebook)])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PWD"] = workingDirectory;
        // Debian's interpreter and packages, not a pyenv python3 earlier on PATH.
        start.Environment["PATH"] = "/usr/bin:" + Environment.GetEnvironmentVariable("PATH");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"{notebook} must execute without a cell error:\n{stderr}\n{stdout.Result}");
        var executed = Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(notebook) + ".ipynb");
        return JsonNode.Parse(File.ReadAllText(executed))!;
    }

    /// <summary>Outputs that carry a PNG: plots shown inline.</summary>
    public static int ImageOutputs(JsonNode notebook) =>
        Outputs(notebook).Count(o => o["data"]?["image/png"] is not null);

    /// <summary>Every text the cells printed or displayed.</summary>
    public static string Text(JsonNode notebook) => string.Concat(Outputs(notebook).SelectMany(o =>
        new[] { o["text"], o["data"]?["text/plain"] }.SelectMany(t => t switch
        {
            JsonArray lines => lines.Select(line => line!.GetValue<string>()),
            JsonValue text => [text.GetValue<string>()],
            _ => [],
        })));

    private static IEnumerable<JsonNode> Outputs(JsonNode notebook) =>
        notebook["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? []).OfType<JsonNode>();
}
