using static TorchSharp.torch;

namespace RlSpec.Policy.Runtime;

/// <summary>Loads libtorch once and turns the usual native-load failures into one actionable sentence.</summary>
public static class TorchRuntime
{
    /// <summary>Throws <see cref="TorchUnavailableException"/> naming the cause and the fix when libtorch cannot load.</summary>
    public static void EnsureLoaded()
    {
        // TorchSharp prints its whole native-load trace to stdout on failure; the exception below says it in one line.
        var stdout = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            using var probe = zeros(1);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException or BadImageFormatException)
        {
            throw new TorchUnavailableException(Explain(e));
        }
        finally
        {
            Console.SetOut(stdout);
        }
    }

    /// <summary>"cpu", "cuda", "cuda:N" or "auto" (CUDA when available, else CPU).</summary>
    public static Device ResolveDevice(string name)
    {
        EnsureLoaded();
        switch (name.Trim().ToLowerInvariant())
        {
            case "auto":
                return cuda.is_available() ? CUDA : CPU;
            case "cpu":
                return CPU;
            case var s when s == "cuda" || s.StartsWith("cuda:", StringComparison.Ordinal):
                if (!cuda.is_available())
                {
                    throw new TorchUnavailableException(
                        $"device '{name}' requested but CUDA is not available: build with -p:TorchBackend=cuda on a machine with an NVIDIA driver, or use device cpu/auto.");
                }

                return new Device(s);
            default:
                throw new ArgumentException($"device must be one of cpu, cuda, cuda:N, auto; got '{name}'.");
        }
    }

    internal static string Explain(Exception e, bool? libStdCxxTooOld = null)
    {
        var messages = Chain(e).Select(x => x.Message).ToList();
        if ((libStdCxxTooOld ?? LibStdCxxProbe.LoadedLibraryIsTooOld()) || messages.Any(m => m.Contains("GLIBCXX", StringComparison.Ordinal)))
        {
            return $"TorchSharp's native library needs libstdc++ from GCC 13+ ({LibStdCxxProbe.RequiredVersion}), which this system lacks: run `bash scripts/setup.sh` (on Debian 12 it installs libstdc++6 from trixie).";
        }

        // The innermost message's first line names the cause; TorchSharp appends a long load trace after it.
        var cause = messages[^1].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? e.GetType().Name;
        return $"TorchSharp's native library (libtorch) could not be loaded ({cause}): run `bash scripts/setup.sh` and check that the libtorch package for this platform was restored.";
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
