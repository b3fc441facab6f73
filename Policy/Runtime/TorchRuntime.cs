using static TorchSharp.torch;

namespace RlSpec.Policy.Runtime;

/// <summary>Loads libtorch once and turns the usual native-load failures into one actionable sentence.</summary>
public static class TorchRuntime
{
    /// <summary>Throws <see cref="TorchUnavailableException"/> naming the cause and the fix when libtorch cannot load.</summary>
    public static void EnsureLoaded()
    {
        try
        {
            using var probe = zeros(1);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException or BadImageFormatException)
        {
            throw new TorchUnavailableException(Explain(e));
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

    internal static string Explain(Exception e)
    {
        var detail = string.Join(" | ", Chain(e).Select(x => x.Message));
        if (detail.Contains("GLIBCXX", StringComparison.Ordinal))
        {
            return "TorchSharp's native library needs libstdc++ from GCC 13+ (GLIBCXX_3.4.32), which this system lacks: run `bash scripts/setup.sh` (on Debian 12 it installs libstdc++6 from trixie).";
        }

        return $"TorchSharp's native library (libtorch) could not be loaded: run `bash scripts/setup.sh`, and check that the libtorch package for this platform was restored. Cause: {detail}";
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
