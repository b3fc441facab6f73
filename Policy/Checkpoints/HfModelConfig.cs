using System.Text.Json;
using System.Text.Json.Nodes;
using RlSpec.Policy.Model;

namespace RlSpec.Policy.Checkpoints;

/// <summary>
/// Maps HF <c>config.json</c> (model_type llama, qwen2 or qwen3) to and from <see cref="PolicyConfig"/>. Keys that
/// would change the computation but are not implemented (another activation, MLP bias, sliding-window attention,
/// another rope scaling type) are refused naming the key, rather than ignored.
/// </summary>
public static class HfModelConfig
{
    private static readonly string[] SupportedTypes = ["llama", "qwen2", "qwen3"];

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

        Refuse(Get("hidden_act", "silu") != "silu", "hidden_act", "only silu (SwiGLU) is supported");
        Refuse(Get("mlp_bias", false), "mlp_bias", "MLP biases are not supported");
        Refuse(Get("use_sliding_window", false), "use_sliding_window", "sliding-window attention is not supported");
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
            MtpHeads: Get("rlspec_mtp_heads", 0),
            // Normalised: a head_dim equal to hidden/heads is the default, so configs compare equal either way.
            ExplicitHeadDim: root["head_dim"] is null || Get("head_dim", 0) * heads == Required<int>("hidden_size") ? null : Get("head_dim", 0),
            QkNorm: modelType == "qwen3",
            RopeScaling: ReadRopeScaling(root["rope_scaling"] ?? root["rope_parameters"]));
        try
        {
            return config.Validated();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException($"{path}: {e.Message}");
        }

        void Refuse(bool unsupported, string key, string why)
        {
            if (unsupported)
            {
                throw new CheckpointFormatException($"{path}: key '{key}' is {root[key]!.ToJsonString()}; {why}.");
            }
        }

        RopeScaling? ReadRopeScaling(JsonNode? node)
        {
            if (node is null)
            {
                return null;
            }

            var type = (node["rope_type"] ?? node["type"])?.GetValue<string>() ?? "default";
            if (type == "default")
            {
                return null;
            }

            if (type != "llama3")
            {
                throw new CheckpointFormatException($"{path}: rope_scaling type '{type}' is not supported (expected llama3 or none).");
            }

            double Field(string key) => node[key] is JsonValue v && v.TryGetValue<double>(out var d)
                ? d : throw new CheckpointFormatException($"{path}: rope_scaling.{key} must be a number.");
            return new RopeScaling(Field("factor"), Field("low_freq_factor"), Field("high_freq_factor"), (int)Field("original_max_position_embeddings"));
        }
    }

    /// <summary>A string a config.json declares (model_type, torch_dtype, ...), or null.</summary>
    public static string? Declared(string path, string key) =>
        JsonNode.Parse(File.ReadAllText(path))?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <param name="dtype">The dtype the weights are saved in (config.json's torch_dtype).</param>
    public static void Write(string path, PolicyConfig config, string dtype = ModelDType.Default)
    {
        var qwen3 = config.QkNorm;
        var root = new JsonObject
        {
            ["architectures"] = new JsonArray(qwen3 ? "Qwen3ForCausalLM" : "LlamaForCausalLM"),
            ["model_type"] = qwen3 ? "qwen3" : "llama",
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
            ["torch_dtype"] = dtype,
        };
        if (config.ExplicitHeadDim is { } headDim)
        {
            root["head_dim"] = headDim;
        }

        if (config.RopeScaling is { } scaling)
        {
            root["rope_scaling"] = new JsonObject
            {
                ["rope_type"] = "llama3",
                ["factor"] = scaling.Factor,
                ["low_freq_factor"] = scaling.LowFreqFactor,
                ["high_freq_factor"] = scaling.HighFreqFactor,
                ["original_max_position_embeddings"] = scaling.OriginalMaxPositions,
            };
        }

        if (config.MtpHeads > 0)
        {
            // Extra key: HF loaders ignore it (and would ignore the mtp_heads.* tensors with a warning).
            root["rlspec_mtp_heads"] = config.MtpHeads;
        }

        AtomicFile.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
