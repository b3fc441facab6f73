using System.Text.Json;
using System.Text.Json.Nodes;
using RlSpec.Policy.Model;

namespace RlSpec.Policy.Checkpoints;

/// <summary>Maps HF <c>config.json</c> (model_type llama or qwen2) to and from <see cref="PolicyConfig"/>.</summary>
public static class HfModelConfig
{
    private static readonly string[] SupportedTypes = ["llama", "qwen2"];

    public static PolicyConfig Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointFormatException($"{path}: file not found.");
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{path}: not a JSON object ({e.Message}).");
        }

        var modelType = root["model_type"]?.GetValue<string>() ?? "llama";
        if (!SupportedTypes.Contains(modelType))
        {
            throw new CheckpointFormatException($"{path}: model_type '{modelType}' is not supported (expected one of: {string.Join(", ", SupportedTypes)}).");
        }

        T Required<T>(string key) => root[key] is null
            ? throw new CheckpointFormatException($"{path}: missing required key '{key}'.")
            : Get<T>(key, default!);

        T Get<T>(string key, T fallback)
        {
            var node = root[key];
            if (node is null)
            {
                return fallback;
            }

            try
            {
                return node.GetValue<T>();
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new CheckpointFormatException($"{path}: key '{key}' must be a {typeof(T).Name}, got {node.ToJsonString()}.");
            }
        }

        var heads = Required<int>("num_attention_heads");
        var config = new PolicyConfig(
            VocabSize: Required<int>("vocab_size"),
            HiddenSize: Required<int>("hidden_size"),
            NumLayers: Required<int>("num_hidden_layers"),
            NumHeads: heads,
            NumKvHeads: Get("num_key_value_heads", heads),
            IntermediateSize: Required<int>("intermediate_size"),
            RopeTheta: Get("rope_theta", 10000.0),
            MaxPositions: Get("max_position_embeddings", 2048),
            RmsNormEps: Get("rms_norm_eps", 1e-6),
            TieEmbeddings: Get("tie_word_embeddings", false),
            AttentionBias: Get("attention_bias", modelType == "qwen2"),
            MtpHeads: Get("rlspec_mtp_heads", 0));
        try
        {
            return config.Validated();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException($"{path}: {e.Message}");
        }
    }

    public static void Write(string path, PolicyConfig config)
    {
        var root = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["vocab_size"] = config.VocabSize,
            ["hidden_size"] = config.HiddenSize,
            ["num_hidden_layers"] = config.NumLayers,
            ["num_attention_heads"] = config.NumHeads,
            ["num_key_value_heads"] = config.NumKvHeads,
            ["intermediate_size"] = config.IntermediateSize,
            ["rope_theta"] = config.RopeTheta,
            ["max_position_embeddings"] = config.MaxPositions,
            ["rms_norm_eps"] = config.RmsNormEps,
            ["tie_word_embeddings"] = config.TieEmbeddings,
            ["attention_bias"] = config.AttentionBias,
            ["hidden_act"] = "silu",
            ["torch_dtype"] = "float32",
        };
        if (config.MtpHeads > 0)
        {
            // Extra key: HF loaders ignore it (and would ignore the mtp_heads.* tensors with a warning).
            root["rlspec_mtp_heads"] = config.MtpHeads;
        }

        AtomicFile.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
