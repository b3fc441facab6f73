using System.Text.Json.Nodes;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>
/// HF-style model directory: <c>config.json</c>, <c>model.safetensors</c> (or shards listed in
/// <c>model.safetensors.index.json</c>) and tokenizer files. Tensor names are Llama's, so the same loader
/// reads RlSpec's own checkpoints and users' Llama/Qwen2 checkpoints.
/// </summary>
public static class PolicyCheckpoint
{
    public const string WeightsFile = "model.safetensors";
    public const string ShardIndexFile = "model.safetensors.index.json";

    public static void Save(string directory, PolicyModel model, TextTokenizer tokenizer, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Directory.CreateDirectory(directory);
        SafeTensorsWriter.Write(Path.Combine(directory, WeightsFile), model.state_dict(), metadata);
        HfModelConfig.Write(Path.Combine(directory, "config.json"), model.Config);
        tokenizer.Save(directory);
    }

    public static (PolicyModel Model, TextTokenizer Tokenizer) Load(string directory, Device device)
    {
        if (!Directory.Exists(directory))
        {
            throw new CheckpointFormatException($"{directory}: checkpoint directory not found.");
        }

        var config = HfModelConfig.Read(Path.Combine(directory, "config.json"));
        var tokenizer = TextTokenizer.Load(directory);
        if (tokenizer.VocabSize > config.VocabSize)
        {
            throw new CheckpointFormatException($"{directory}: tokenizer has {tokenizer.VocabSize} ids but config.json vocab_size is {config.VocabSize}.");
        }

        var model = new PolicyModel(config);
        LoadWeights(model, ReadTensors(directory), directory);
        model.to(device);
        model.eval();
        return (model, tokenizer);
    }

    /// <summary>Copies tensors into the model by name; missing, unexpected or mis-shaped tensors fail naming the tensor.</summary>
    public static void LoadWeights(PolicyModel model, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        // Rotary frequencies are recomputed from config; a tied LM head is the embedding itself.
        var relevant = tensors
            .Where(kv => !kv.Key.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal))
            .Where(kv => !(model.Config.TieEmbeddings && kv.Key == "lm_head.weight"))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        ModuleWeights.Load(model, relevant, source);
    }

    private static Dictionary<string, Tensor> ReadTensors(string directory)
    {
        var single = Path.Combine(directory, WeightsFile);
        var index = Path.Combine(directory, ShardIndexFile);
        if (File.Exists(single))
        {
            return SafeTensorsReader.Read(single);
        }

        if (!File.Exists(index))
        {
            throw new CheckpointFormatException($"{directory}: neither {WeightsFile} nor {ShardIndexFile} found.");
        }

        var weightMap = JsonNode.Parse(File.ReadAllText(index))?["weight_map"] as JsonObject
            ?? throw new CheckpointFormatException($"{index}: missing object 'weight_map'.");
        var tensors = new Dictionary<string, Tensor>();
        foreach (var shard in weightMap.Select(kv => kv.Value!.GetValue<string>()).Distinct())
        {
            foreach (var (name, t) in SafeTensorsReader.Read(Path.Combine(directory, shard)))
            {
                tensors[name] = t;
            }
        }

        return tensors;
    }
}
