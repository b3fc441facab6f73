using System.Globalization;
using RlSpec.Policy.Checkpoints;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Pipeline;

/// <summary>An immutable copy of the trained weights at one version: the policy's and, when the drafter is trained
/// too, the drafter's. Replicas load from it while the learner keeps changing the originals.</summary>
/// <param name="DrafterVersion">Policy version the drafter weights were last aligned to (null without drafter weights).</param>
public sealed record WeightSnapshot(long Version, IReadOnlyDictionary<string, Tensor> Policy, IReadOnlyDictionary<string, Tensor>? Drafter, long? DrafterVersion = null)
    : IDisposable
{
    public static WeightSnapshot Of(long version, nn.Module policy, nn.Module? drafter, long? drafterVersion = null) =>
        new(version, Copy(policy), drafter is null ? null : Copy(drafter), drafter is null ? null : drafterVersion ?? version);

    /// <summary>The drafter weights this version carries (null without them), hashed from the snapshot's own copy.</summary>
    public DrafterStamp? Stamp { get; } = Drafter is null ? null : new DrafterStamp(DrafterVersion ?? Version, DrafterStamp.HashOf(Drafter));

    private const string DrafterVersionKey = "drafter_version";

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
            SafeTensorsWriter.Write(Path.Combine(directory, DrafterFile), Drafter,
                new Dictionary<string, string>(metadata) { [DrafterVersionKey] = (DrafterVersion ?? Version).ToString(CultureInfo.InvariantCulture) });
        }
    }

    public static WeightSnapshot Load(string directory, long version)
    {
        var drafter = Path.Combine(directory, DrafterFile);
        if (!File.Exists(drafter))
        {
            return new WeightSnapshot(version, SafeTensorsReader.Read(Path.Combine(directory, PolicyFile)), null);
        }

        // Snapshots saved before the drafter's version was stamped read as aligned to their own version.
        var aligned = SafeTensorsReader.ReadMetadata(drafter).TryGetValue(DrafterVersionKey, out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : version;
        return new WeightSnapshot(version, SafeTensorsReader.Read(Path.Combine(directory, PolicyFile)), SafeTensorsReader.Read(drafter), aligned);
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
