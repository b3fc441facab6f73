using RlSpec.Policy.Runtime;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary>Applies the --device and --threads flags every command shares.</summary>
public static class RuntimeSetup
{
    public static torch.Device Apply(string device, int threads)
    {
        var resolved = TorchRuntime.ResolveDevice(device);
        if (threads > 0)
        {
            torch.set_num_threads(threads);
        }

        return resolved;
    }
}
