using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Eagle;

/// <summary>
/// An EAGLE (or chunk) head saved beside its policy, in <c>&lt;policy dir&gt;/eagle/</c> (or <c>chunk/</c>, so both can
/// sit beside one policy): <c>model.safetensors</c> with the head's own tensors only (embedding and LM head stay the
/// policy's) and <c>eagle_config.json</c> recording the policy shape and version it was aligned to, so a head never
/// silently pairs with a different policy.
/// </summary>
public static class EagleCheckpoint
{
    public const string ConfigFile = "eagle_config.json";

    public static string PathFor(string policyDirectory, bool chunk = false) => Path.Combine(policyDirectory, chunk ? "chunk" : "eagle");

    public static bool Exists(string policyDirectory, bool chunk = false) => File.Exists(Path.Combine(PathFor(policyDirectory, chunk), ConfigFile));

    public static void Save(string policyDirectory, EagleHead head, PolicyConfig policy, long policyVersion)
    {
        var dir = PathFor(policyDirectory, head.Config.Chunk);
        Directory.CreateDirectory(dir);
        SafeTensorsWriter.Write(Path.Combine(dir, PolicyCheckpoint.WeightsFile), head.state_dict(),
            new Dictionary<string, string> { ["policy_version"] = policyVersion.ToString(CultureInfo.InvariantCulture) });
        var config = new JsonObject
        {
            ["feature_layers"] = new JsonArray(head.Config.FeatureLayers.Select(l => (JsonNode)l).ToArray()),
            ["max_chain"] = head.Config.MaxChain,
            ["chunk"] = head.Config.Chunk,
            ["hidden_size"] = policy.HiddenSize,
            ["vocab_size"] = policy.VocabSize,
            ["num_layers"] = policy.NumLayers,
            ["policy_version"] = policyVersion,
        };
        AtomicFile.WriteAllText(Path.Combine(dir, ConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <returns>The head on the policy's device and the policy version it was saved at.</returns>
    public static (EagleHead Head, long PolicyVersion) Load(string policyDirectory, PolicyModel policy, bool chunk = false)
    {
        var dir = PathFor(policyDirectory, chunk);
        var configPath = Path.Combine(dir, ConfigFile);
        if (!File.Exists(configPath))
        {
            throw new CheckpointFormatException($"{configPath}: no {(chunk ? "chunk" : "EAGLE")} head saved beside this policy (train one with `rlspec {(chunk ? "train-chunk" : "train-eagle")}`).");
        }

        JsonNode json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(configPath)) ?? throw new CheckpointFormatException($"{configPath}: empty file.");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{configPath}: not valid JSON ({e.Message}).");
        }

        int Int(string key) => json[key]?.GetValue<int>() ?? throw new CheckpointFormatException($"{configPath}: missing integer '{key}'.");
        foreach (var (key, actual) in new[] { ("hidden_size", policy.Config.HiddenSize), ("vocab_size", policy.Config.VocabSize), ("num_layers", policy.Config.NumLayers) })
        {
            if (Int(key) != actual)
            {
                throw new CheckpointFormatException($"{configPath}: head was trained for {key} {Int(key)}, this policy has {actual}.");
            }
        }

        var layers = (json["feature_layers"] as JsonArray)?.Select(n => n!.GetValue<int>()).ToArray()
            ?? throw new CheckpointFormatException($"{configPath}: missing array 'feature_layers'.");
        var head = new EagleHead(policy.Config, new EagleConfig(layers, Int("max_chain"), json["chunk"]?.GetValue<bool>() ?? false));
        ModuleWeights.Load(head, SafeTensorsReader.Read(Path.Combine(dir, PolicyCheckpoint.WeightsFile)), dir);
        head.to(policy.Device).to(policy.DType); // the head works on the policy's own states and embeddings
        head.eval();
        return (head, json["policy_version"]?.GetValue<long>() ?? 0);
    }
}
