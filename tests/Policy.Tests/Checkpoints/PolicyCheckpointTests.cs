using System.Text.Json.Nodes;
using FluentAssertions;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Policy.Tests.Checkpoints;

public sealed class PolicyCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-ckpt-").FullName;
    private readonly TextTokenizer _tokenizer = TextTokenizer.ForCharacters("0123456789+-=,A:xyz");

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void A_saved_policy_loads_back_bit_exact(bool tied, bool bias)
    {
        var model = TinyPolicies.Create(tied, bias);
        PolicyCheckpoint.Save(_dir, model, _tokenizer);

        var (loaded, tokenizer) = PolicyCheckpoint.Load(_dir, CPU);
        loaded.Config.Should().Be(model.Config);
        var expected = model.state_dict();
        var actual = loaded.state_dict();
        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        actual.Should().OnlyContain(kv => BitExact.Same(kv.Value, expected[kv.Key]));
        tokenizer.Encode("12+3=").Should().Equal(_tokenizer.Encode("12+3="));
    }

    [Fact]
    public void Tensor_names_are_the_ones_llama_checkpoints_use()
    {
        var names = TinyPolicies.Create(tied: false, bias: true).state_dict().Keys;
        names.Should().Contain([
            "model.embed_tokens.weight",
            "model.layers.0.self_attn.q_proj.weight",
            "model.layers.0.self_attn.q_proj.bias",
            "model.layers.1.self_attn.o_proj.weight",
            "model.layers.1.mlp.gate_proj.weight",
            "model.layers.1.mlp.up_proj.weight",
            "model.layers.1.mlp.down_proj.weight",
            "model.layers.0.input_layernorm.weight",
            "model.layers.0.post_attention_layernorm.weight",
            "model.norm.weight",
            "lm_head.weight",
        ]);
        names.Should().NotContain(n => n.Contains("rotary", StringComparison.Ordinal), "rotary tables are recomputed, not stored");
    }

    [Fact]
    public void A_qwen2_style_directory_with_bf16_weights_and_inv_freq_loads()
    {
        var source = TinyPolicies.Create(tied: false, bias: true);
        var tensors = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.BFloat16).to_type(ScalarType.Float32));
        tensors["model.layers.0.self_attn.rotary_emb.inv_freq"] = ones(4);
        SafeTensorsWriter.Write(Path.Combine(_dir, "model.safetensors"), tensors);
        var config = new JsonObject
        {
            ["model_type"] = "qwen2",
            ["vocab_size"] = 23,
            ["hidden_size"] = 32,
            ["num_hidden_layers"] = 2,
            ["num_attention_heads"] = 4,
            ["num_key_value_heads"] = 2,
            ["intermediate_size"] = 48,
            ["max_position_embeddings"] = 64,
            ["rms_norm_eps"] = 1e-6,
            ["rope_theta"] = 10000.0,
            ["tie_word_embeddings"] = false,
        };
        File.WriteAllText(Path.Combine(_dir, "config.json"), config.ToJsonString());
        _tokenizer.Save(_dir);

        var (loaded, _) = PolicyCheckpoint.Load(_dir, CPU);
        loaded.Config.AttentionBias.Should().BeTrue("qwen2 implies q/k/v bias");
        BitExact.Same(loaded.state_dict()["model.norm.weight"], tensors["model.norm.weight"]).Should().BeTrue();
    }

    [Fact]
    public void A_shape_mismatch_names_the_tensor_and_both_shapes()
    {
        PolicyCheckpoint.Save(_dir, TinyPolicies.Create(), _tokenizer);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "config.json")))!;
        config["intermediate_size"] = 64;
        File.WriteAllText(Path.Combine(_dir, "config.json"), config.ToJsonString());

        var act = () => PolicyCheckpoint.Load(_dir, CPU);
        act.Should().Throw<CheckpointFormatException>().WithMessage("*'model.layers.0.mlp.gate_proj.weight'*[48, 32]*[64, 32]*");
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        var tensors = TinyPolicies.Create().state_dict();
        tensors.Remove("model.layers.1.mlp.up_proj.weight");
        PolicyCheckpoint.Save(_dir, TinyPolicies.Create(), _tokenizer);
        SafeTensorsWriter.Write(Path.Combine(_dir, "model.safetensors"), tensors);

        var act = () => PolicyCheckpoint.Load(_dir, CPU);
        act.Should().Throw<CheckpointFormatException>().WithMessage("*missing tensor 'model.layers.1.mlp.up_proj.weight'*");
    }

    [Fact]
    public void A_config_without_a_required_key_names_the_key_and_file()
    {
        PolicyCheckpoint.Save(_dir, TinyPolicies.Create(), _tokenizer);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "config.json")))!.AsObject();
        config.Remove("hidden_size");
        File.WriteAllText(Path.Combine(_dir, "config.json"), config.ToJsonString());

        var act = () => PolicyCheckpoint.Load(_dir, CPU);
        act.Should().Throw<CheckpointFormatException>().WithMessage("*config.json*'hidden_size'*");
    }

    [Fact]
    public void An_unsupported_model_type_is_refused()
    {
        PolicyCheckpoint.Save(_dir, TinyPolicies.Create(), _tokenizer);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "config.json")))!;
        config["model_type"] = "gpt2";
        File.WriteAllText(Path.Combine(_dir, "config.json"), config.ToJsonString());

        var act = () => PolicyCheckpoint.Load(_dir, CPU);
        act.Should().Throw<CheckpointFormatException>().WithMessage("*model_type 'gpt2'*");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
