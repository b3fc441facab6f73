using System.Text.Json.Nodes;
using RlSpec.Policy.Checkpoints;
using static TorchSharp.torch;

namespace RlSpec.Policy.Tests.Checkpoints;

/// <summary>
/// Tiny random checkpoints written the way Hugging Face writes Qwen3 and Llama 3.2 ones, independently of
/// <see cref="Model.PolicyModel"/>: config.json with HF's keys, tensors under HF's names in bf16 safetensors, and a
/// byte-level BPE tokenizer.json with Qwen-style added tokens (made up, but the same kind as the real ones) that can
/// spell the arithmetic task.
/// </summary>
internal static class HfLayoutCheckpoints
{
    public const int Vocab = 128;

    /// <summary>Qwen3-0.6B's config keys, shrunk: head_dim 16 is not hidden/heads (32/4), tied embeddings, no rope scaling.</summary>
    public static JsonObject Qwen3Config() => new()
    {
        ["architectures"] = new JsonArray("Qwen3ForCausalLM"),
        ["attention_bias"] = false,
        ["attention_dropout"] = 0.0,
        ["bos_token_id"] = 97,
        ["eos_token_id"] = 99,
        ["head_dim"] = 16,
        ["hidden_act"] = "silu",
        ["hidden_size"] = 32,
        ["initializer_range"] = 0.02,
        ["intermediate_size"] = 64,
        ["max_position_embeddings"] = 256,
        ["max_window_layers"] = 2,
        ["model_type"] = "qwen3",
        ["num_attention_heads"] = 4,
        ["num_hidden_layers"] = 2,
        ["num_key_value_heads"] = 2,
        ["rms_norm_eps"] = 1e-6,
        ["rope_scaling"] = null,
        ["rope_theta"] = 1000000.0,
        ["sliding_window"] = null,
        ["tie_word_embeddings"] = true,
        ["torch_dtype"] = "bfloat16",
        ["transformers_version"] = "4.51.0",
        ["use_cache"] = true,
        ["use_sliding_window"] = false,
        ["vocab_size"] = Vocab,
    };

    /// <summary>Llama-3.2-1B's config keys, shrunk: 4 query heads on 1 KV head, untied LM head, llama3 rope scaling whose
    /// original context (64) puts the 8 rotary frequencies in all three of its regimes.</summary>
    public static JsonObject Llama3Config() => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["attention_bias"] = false,
        ["attention_dropout"] = 0.0,
        ["bos_token_id"] = 97,
        ["eos_token_id"] = 99,
        ["head_dim"] = 16,
        ["hidden_act"] = "silu",
        ["hidden_size"] = 64,
        ["initializer_range"] = 0.02,
        ["intermediate_size"] = 96,
        ["max_position_embeddings"] = 256,
        ["mlp_bias"] = false,
        ["model_type"] = "llama",
        ["num_attention_heads"] = 4,
        ["num_hidden_layers"] = 2,
        ["num_key_value_heads"] = 1,
        ["pretraining_tp"] = 1,
        ["rms_norm_eps"] = 1e-5,
        ["rope_scaling"] = new JsonObject
        {
            ["factor"] = 8.0,
            ["high_freq_factor"] = 4.0,
            ["low_freq_factor"] = 1.0,
            ["original_max_position_embeddings"] = 64,
            ["rope_type"] = "llama3",
        },
        ["rope_theta"] = 500000.0,
        ["tie_word_embeddings"] = false,
        ["torch_dtype"] = "bfloat16",
        ["transformers_version"] = "4.45.0",
        ["use_cache"] = true,
        ["vocab_size"] = Vocab,
    };

    /// <summary>Writes config.json, model.safetensors (bf16, HF names) and the tokenizer files; returns the tensors written.</summary>
    public static Dictionary<string, Tensor> Write(string directory, JsonObject config, long seed = 3)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJsonString());
        var tensors = Tensors(config, seed);
        SafeTensorsWriter.Write(Path.Combine(directory, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        WriteTokenizer(directory);
        return tensors;
    }

    /// <summary>Random bf16 tensors under HF's names and shapes for <paramref name="config"/>.</summary>
    public static Dictionary<string, Tensor> Tensors(JsonObject config, long seed)
    {
        int Int(string key) => config[key]!.GetValue<int>();
        var (hidden, heads, kv, headDim, inter) = (Int("hidden_size"), Int("num_attention_heads"), Int("num_key_value_heads"), Int("head_dim"), Int("intermediate_size"));
        var qwen3 = config["model_type"]!.GetValue<string>() == "qwen3";
        using var generator = new Generator((ulong)seed);
        Tensor Weight(params long[] shape) => randn(shape, generator: generator).Times(1.0 / Math.Sqrt(shape[^1])).to_type(ScalarType.BFloat16);
        Tensor Norm(long size) => randn([size], generator: generator).Times(0.2).Plus(1).to_type(ScalarType.BFloat16);

        var tensors = new Dictionary<string, Tensor> { ["model.embed_tokens.weight"] = Weight(Vocab, hidden) };
        for (var i = 0; i < Int("num_hidden_layers"); i++)
        {
            var p = $"model.layers.{i}.";
            tensors[p + "input_layernorm.weight"] = Norm(hidden);
            tensors[p + "self_attn.q_proj.weight"] = Weight(heads * headDim, hidden);
            tensors[p + "self_attn.k_proj.weight"] = Weight(kv * headDim, hidden);
            tensors[p + "self_attn.v_proj.weight"] = Weight(kv * headDim, hidden);
            tensors[p + "self_attn.o_proj.weight"] = Weight(hidden, heads * headDim);
            if (qwen3)
            {
                tensors[p + "self_attn.q_norm.weight"] = Norm(headDim);
                tensors[p + "self_attn.k_norm.weight"] = Norm(headDim);
            }

            tensors[p + "post_attention_layernorm.weight"] = Norm(hidden);
            tensors[p + "mlp.gate_proj.weight"] = Weight(inter, hidden);
            tensors[p + "mlp.up_proj.weight"] = Weight(inter, hidden);
            tensors[p + "mlp.down_proj.weight"] = Weight(hidden, inter);
        }

        tensors["model.norm.weight"] = Norm(hidden);
        if (!config["tie_word_embeddings"]!.GetValue<bool>())
        {
            tensors["lm_head.weight"] = Weight(Vocab, hidden);
        }

        return tensors;
    }

    /// <summary>
    /// A byte-level BPE tokenizer.json in Qwen2/3's form (NFC, Qwen's split regex then ByteLevel): printable ASCII, space
    /// and newline as single bytes, one merge, and Qwen's three chat tokens as added tokens (ids 97..99).
    /// </summary>
    public static void WriteTokenizer(string directory)
    {
        var vocab = new JsonObject();
        var id = 0;
        for (var c = 0x21; c <= 0x7E; c++)
        {
            vocab[((char)c).ToString()] = id++;
        }

        vocab["Ġ"] = id++;   // space, in byte-level spelling
        vocab["Ċ"] = id++;   // newline
        vocab["A:"] = id++;  // 96: the answer marker, built by the one merge
        string[] added = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];
        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(added.Select((content, i) => (JsonNode)new JsonObject
            {
                ["id"] = 97 + i,
                ["content"] = content,
                ["single_word"] = false,
                ["lstrip"] = false,
                ["rstrip"] = false,
                ["normalized"] = false,
                ["special"] = true,
            }).ToArray()),
            ["normalizer"] = new JsonObject { ["type"] = "NFC" },
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "Split",
                        ["pattern"] = new JsonObject { ["Regex"] = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+" },
                        ["behavior"] = "Isolated",
                        ["invert"] = false,
                    },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false }),
            },
            ["post_processor"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(new JsonArray("A", ":")),
            },
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), tokenizer.ToJsonString());
        var config = new JsonObject
        {
            ["add_bos_token"] = false,
            ["bos_token"] = null,
            ["eos_token"] = "<|im_end|>",
            ["pad_token"] = "<|endoftext|>",
            ["tokenizer_class"] = "Qwen2Tokenizer",
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString());
    }
}
