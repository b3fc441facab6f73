namespace RlSpec.Policy.Runtime;

/// <summary>
/// How many intra-op threads libtorch gets when a config or flag says 0 (auto). libtorch's own default (every core)
/// is pathological on a small shared machine: libgomp spin-waits at each parallel region's barrier, so when another
/// job holds one of its cores every op waits for a descheduled thread. A 3-step run on 2 shared cores took 20-49 s per
/// step with 2 threads and 2.4-5 s with 1. So auto keeps one physical core free for the rest of the machine and splits
/// the others among the threads that compute at once (the host thread, plus each rollout worker on its own thread in
/// async mode); never fewer than 1. <see cref="AllCores"/> asks for every physical core, for a machine the job has to
/// itself: on the idle 2-core machine the deep preset's warm start ran 1.9x faster on both cores than on one, and its
/// speculative rollouts gained more than its plain ones (the quickstart uses it).
/// </summary>
public static class TorchThreads
{
    /// <summary>The config and flag value meaning "choose per machine".</summary>
    public const int Auto = 0;

    /// <summary>The config and flag value meaning "every physical core", none left free.</summary>
    public const int AllCores = -1;

    /// <summary>What the two special values mean, for the messages that reject a thread count.</summary>
    public const string SpecialValues = "0 (auto: physical cores less one) or -1 (every physical core)";

    /// <summary><paramref name="requested"/> when positive, every core for <see cref="AllCores"/>, else the auto choice for this machine.</summary>
    public static int Resolve(int requested, int computingThreads) => requested switch
    {
        > Auto => requested,
        AllCores => ForMachine(PhysicalCores(), computingThreads, keepOneFree: false),
        _ => ForMachine(PhysicalCores(), computingThreads),
    };

    /// <summary>The auto choice: (physical cores − 1, at least 1) shared among <paramref name="computingThreads"/>, at least 1 each;
    /// all the cores shared when not <paramref name="keepOneFree"/>.</summary>
    public static int ForMachine(int physicalCores, int computingThreads, bool keepOneFree = true) =>
        Math.Max(1, Math.Max(1, physicalCores - (keepOneFree ? 1 : 0)) / Math.Max(1, computingThreads));

    /// <summary>Physical cores this process may use: distinct (package, core) pairs of /proc/cpuinfo (hyper-threads share a
    /// core's arithmetic units), capped by the logical CPUs the runtime sees (affinity, cgroup quota).</summary>
    public static int PhysicalCores()
    {
        var logical = Environment.ProcessorCount;
        try
        {
            if (!OperatingSystem.IsLinux() || !File.Exists("/proc/cpuinfo"))
            {
                return logical;
            }

            var cores = new HashSet<(string, string)>();
            var package = "0";
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    continue;
                }

                var (key, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
                if (key == "physical id")
                {
                    package = value;
                }
                else if (key == "core id")
                {
                    cores.Add((package, value));
                }
            }

            return cores.Count == 0 ? logical : Math.Min(cores.Count, logical);
        }
        catch (IOException)
        {
            return logical;
        }
    }
}
