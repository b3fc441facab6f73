using System.Text;

namespace RlSpec.Policy.Runtime;

/// <summary>
/// Checks whether the libstdc++ this process uses is new enough for libtorch 2.10 (GCC 13's GLIBCXX_3.4.32).
/// TorchSharp's own load error does not say so, and this is the usual cause on Debian 12.
/// </summary>
public static class LibStdCxxProbe
{
    public const string RequiredVersion = "GLIBCXX_3.4.32";

    /// <summary>True when the process's libstdc++ is known and lacks <see cref="RequiredVersion"/>; false when fine or unknown.</summary>
    public static bool LoadedLibraryIsTooOld()
    {
        if (!OperatingSystem.IsLinux() || LoadedPath() is not { } path)
        {
            return false;
        }

        return !Contains(File.ReadAllBytes(path), Encoding.ASCII.GetBytes(RequiredVersion));
    }

    private static string? LoadedPath()
    {
        try
        {
            return File.ReadLines("/proc/self/maps")
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
                .FirstOrDefault(p => p is not null && Path.GetFileName(p).StartsWith("libstdc++.so", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
