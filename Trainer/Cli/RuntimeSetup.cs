using RlSpec.Policy.Runtime;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary>Applies the --device and --threads flags every command shares.</summary>
public static class RuntimeSetup
{
    /// <param name="threads">Intra-op threads; <see cref="TorchThreads.Auto"/> (0) = chosen for this machine.</param>
    /// <param name="computingThreads">Threads that run libtorch at once in this process (they share the cores).</param>
    public static torch.Device Apply(string device, int threads, int computingThreads = 1) => Apply(device, threads, computingThreads, out _);

    /// <param name="used">The thread count set, for the run header.</param>
    public static torch.Device Apply(string device, int threads, int computingThreads, out int used)
    {
        if (threads < TorchThreads.AllCores)
        {
            throw new ArgumentException($"--threads / model.threads: expected a count >= 1, {TorchThreads.SpecialValues}; got {threads}.");
        }

        var resolved = TorchRuntime.ResolveDevice(device);
        HostAllocator.KeepFreedMemory();
        used = TorchThreads.Resolve(threads, computingThreads);
        torch.set_num_threads(used);
        return resolved;
    }

    /// <summary>How a run header states the thread count.</summary>
    public static string Describe(int requested, int used, int computingThreads) => requested switch
    {
        > TorchThreads.Auto => $"{used} torch thread(s) (model.threads)",
        TorchThreads.AllCores => $"{used} torch thread(s) (model.threads -1: all {TorchThreads.PhysicalCores()} physical core(s), shared by {computingThreads} computing thread(s); "
            + "on a machine shared with other jobs set model.threads or --threads to 0, which leaves one free)",
        _ => $"{used} torch thread(s) (auto: {TorchThreads.PhysicalCores()} physical core(s), one left free, shared by {computingThreads} computing thread(s); set model.threads or --threads to change)",
    };
}
