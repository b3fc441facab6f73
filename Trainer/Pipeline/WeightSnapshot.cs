using System.Globalization;
using RlSpec.Policy.Checkpoints;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Pipeline;

/// <summary>An immutable copy of the trained weights at one version: the policy's and, when the drafter is trained
/// too, the drafter's. Replicas load from it while the learner keeps changing the originals.</summary>
public sealed record WeightSnapshot(long Version, IReadOnlyDictionary<string, Tensor> Policy, IReadOnlyDictionary<string, Tensor>? Drafter) : IDisposable
{
    public static WeightSnapshot Of(long version, nn.Module policy, nn.Module? drafter) => new(version, Copy(policy), drafter is null ? null : Copy(drafter));

    private const string PolicyFile = "policy.safetensors";
    private const string DrafterFile = "drafter.safetensors";

    /// <summary>Writes the snapshot as safetensors files in <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var metadata = new Dictionary<string, string> { ["policy_version"] = Version.ToString(CultureInfo.InvariantCulture) };
        SafeTensorsWriter.Write(Path.Combine(directory, PolicyFile), Policy, metadata);
        if (Drafter is not null)
        {
            SafeTensorsWriter.Write(Path.Combine(directory, DrafterFile), Drafter, metadata);
        }
    }

    public static WeightSnapshot Load(string directory, long version)
    {
        var drafter = Path.Combine(directory, DrafterFile);
        return new WeightSnapshot(version, SafeTensorsReader.Read(Path.Combine(directory, PolicyFile)), File.Exists(drafter) ? SafeTensorsReader.Read(drafter) : null);
    }

    public void Dispose()
    {
        foreach (var t in Policy.Values.Concat(Drafter?.Values ?? []))
        {
            t.Dispose();
        }
    }

    private static Dictionary<string, Tensor> Copy(nn.Module module)
    {
        using var noGrad = no_grad();
        return module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
    }
}
