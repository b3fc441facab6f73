using System.Runtime.InteropServices;

namespace RlSpec.Policy.Runtime;

/// <summary>
/// Keeps glibc from handing the memory of freed tensors back to the kernel. libtorch's CPU allocator is plain malloc,
/// and by default glibc serves large blocks with fresh mmaps and trims the heap top on free, so a step whose tensors
/// outgrow the last few (a verify step after plain decode steps, a grown live batch) pays page faults and zeroing for
/// every activation. Measured on the deep preset: the first verify step at 64 rows after plain steps took 45–216 ms
/// with glibc's defaults and 41–45 ms (the steady-state cost) with the heap kept. CPU inference guides for PyTorch swap
/// in jemalloc or tcmalloc for the same reason; these two settings get the effect without a native dependency.
/// </summary>
public static partial class HostAllocator
{
    private const int TrimThreshold = -1;   // M_TRIM_THRESHOLD
    private const int MmapThreshold = -3;   // M_MMAP_THRESHOLD

    /// <summary>glibc's ceiling for the mmap threshold on 64-bit: blocks up to this size come from the reusable heap.</summary>
    private const int LargestHeapBlock = 32 << 20;

    /// <summary>Applies the settings once per process; false where the C library is not glibc (nothing changes there).</summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallOpt(MmapThreshold, LargestHeapBlock) == 1 && MallOpt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
