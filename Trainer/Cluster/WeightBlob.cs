using System.Globalization;
using RlSpec.Policy.Checkpoints;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Cluster;

/// <summary>
/// One weights version on the wire: the policy's and the drafter's tensors together in a single safetensors image
/// (names prefixed <c>policy/</c> and <c>drafter/</c>, the version in its metadata), so a node can never hold a policy
/// of one version with a drafter of another. Float32 bytes as in RlSpec's checkpoints, so replicas load bit-exact.
/// </summary>
public static class WeightBlob
{
    private const string PolicyPrefix = "policy/";
    private const string DrafterPrefix = "drafter/";
    private const string VersionKey = "policy_version";

    public static byte[] Encode(long version, nn.Module policy, nn.Module? drafter)
    {
        using var noGrad = no_grad();
        var tensors = policy.state_dict().Select(kv => KeyValuePair.Create(PolicyPrefix + kv.Key, kv.Value))
            .Concat(drafter?.state_dict().Select(kv => KeyValuePair.Create(DrafterPrefix + kv.Key, kv.Value)) ?? []);
        using var stream = new MemoryStream();
        SafeTensorsWriter.Write(stream, tensors, new Dictionary<string, string> { [VersionKey] = version.ToString(CultureInfo.InvariantCulture) });
        return stream.ToArray();
    }

    /// <summary>Copies the blob of <paramref name="version"/> into a replica's modules (strictly: every tensor, by name and shape).</summary>
    public static void LoadInto(byte[] blob, long version, nn.Module policy, nn.Module? drafter)
    {
        var source = $"weights version {version}";
        using var stream = new MemoryStream(blob, writable: false);
        var written = SafeTensorsHeader.Read(stream, source).Metadata.GetValueOrDefault(VersionKey);
        if (written != version.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidDataException($"{source}: the blob says it is version {written ?? "(none)"}.");
        }

        stream.Position = 0;
        var tensors = SafeTensorsReader.Read(stream, source);
        try
        {
            ModuleWeights.Load(policy, Part(tensors, PolicyPrefix), source);
            var drafterTensors = Part(tensors, DrafterPrefix);
            if (drafter is not null)
            {
                ModuleWeights.Load(drafter, drafterTensors.Count > 0 ? drafterTensors : throw new InvalidDataException($"{source} has no drafter weights."),
                    $"drafter {source}");
            }
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    private static Dictionary<string, Tensor> Part(Dictionary<string, Tensor> tensors, string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
}
