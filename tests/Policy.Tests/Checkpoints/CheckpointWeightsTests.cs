using System.Text.Json.Nodes;
using FluentAssertions;
using RlSpec.Policy.Checkpoints;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Policy.Tests.Checkpoints;

public sealed class CheckpointWeightsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-weights-").FullName;

    [Fact]
    public void Shards_listed_in_an_index_load_like_one_file()
    {
        var tensors = HfLayoutCheckpoints.Write(_dir, HfLayoutCheckpoints.Qwen3Config());
        File.Delete(Path.Combine(_dir, "model.safetensors"));
        WriteShards(tensors, shards: 3);

        var (model, _) = PolicyCheckpoint.Load(_dir, CPU, ScalarType.BFloat16);
        model.state_dict().Should().OnlyContain(kv => BitExact.Same(kv.Value, tensors[kv.Key]));
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float16)]
    public void Bf16_weights_convert_to_the_wanted_dtype_only_on_the_way_in(ScalarType wanted)
    {
        var tensors = HfLayoutCheckpoints.Write(_dir, HfLayoutCheckpoints.Llama3Config());

        var (model, _) = PolicyCheckpoint.Load(_dir, CPU, wanted);
        model.DType.Should().Be(wanted);
        model.state_dict().Should().OnlyContain(kv => kv.Value.dtype == wanted && BitExact.Same(kv.Value, tensors[kv.Key].to_type(wanted)));
    }

    [Fact]
    public void A_pytorch_model_bin_loads_through_pybridge()
    {
        var tensors = HfLayoutCheckpoints.Write(_dir, HfLayoutCheckpoints.Llama3Config());
        File.Delete(Path.Combine(_dir, "model.safetensors"));
        PyTorchPickler.PickleStateDict(Path.Combine(_dir, "pytorch_model.bin"), tensors);

        var (model, _) = PolicyCheckpoint.Load(_dir, CPU, ScalarType.BFloat16);
        model.state_dict().Should().OnlyContain(kv => BitExact.Same(kv.Value, tensors[kv.Key]));
    }

    [Fact]
    public void A_shard_missing_a_tensor_its_index_lists_is_named()
    {
        var tensors = HfLayoutCheckpoints.Write(_dir, HfLayoutCheckpoints.Qwen3Config());
        File.Delete(Path.Combine(_dir, "model.safetensors"));
        WriteShards(tensors, shards: 2);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "model.safetensors.index.json")))!;
        index["weight_map"]!["model.layers.9.mlp.up_proj.weight"] = "model-00001-of-00002.safetensors";
        File.WriteAllText(Path.Combine(_dir, "model.safetensors.index.json"), index.ToJsonString());

        var act = () => PolicyCheckpoint.Load(_dir, CPU);
        act.Should().Throw<CheckpointFormatException>().WithMessage("*index.json*'model.layers.9.mlp.up_proj.weight'*model-00001-of-00002*");
    }

    [Fact]
    public void A_tensor_stored_in_a_shard_the_index_does_not_place_it_in_is_named()
    {
        var tensors = HfLayoutCheckpoints.Write(_dir, HfLayoutCheckpoints.Qwen3Config());
        File.Delete(Path.Combine(_dir, "model.safetensors"));
        WriteShards(tensors, shards: 2);
        SafeTensorsWriter.Write(Path.Combine(_dir, "model-00002-of-00002.safetensors"),
            tensors.OrderBy(t => t.Key, StringComparer.Ordinal).Skip(tensors.Count / 2).Append(KeyValuePair.Create("model.norm.extra", ones(2))));

        var act = () => PolicyCheckpoint.Load(_dir, CPU);
        act.Should().Throw<CheckpointFormatException>().WithMessage("*model-00002-of-00002.safetensors*'model.norm.extra'*");
    }

    [Fact]
    public void A_truncated_weights_file_fails_naming_the_tensor_before_loading_anything()
    {
        HfLayoutCheckpoints.Write(_dir, HfLayoutCheckpoints.Qwen3Config());
        var path = Path.Combine(_dir, "model.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);

        var act = () => PolicyCheckpoint.Load(_dir, CPU);
        act.Should().Throw<CheckpointFormatException>().WithMessage("*model.safetensors*truncated*");
    }

    [Fact]
    public void Unsupported_config_keys_are_refused_by_name()
    {
        HfLayoutCheckpoints.Write(_dir, HfLayoutCheckpoints.Llama3Config());
        var path = Path.Combine(_dir, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        config["rope_scaling"]!["rope_type"] = "yarn";
        File.WriteAllText(path, config.ToJsonString());

        var act = () => PolicyCheckpoint.Load(_dir, CPU);
        act.Should().Throw<CheckpointFormatException>().WithMessage("*config.json*rope_scaling type 'yarn'*");
    }

    private void WriteShards(Dictionary<string, Tensor> tensors, int shards)
    {
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var map = new JsonObject();
        for (var s = 0; s < shards; s++)
        {
            var name = $"model-{s + 1:D5}-of-{shards:D5}.safetensors";
            var part = ordered.Where((_, i) => i * shards / ordered.Count == s).ToList();
            SafeTensorsWriter.Write(Path.Combine(_dir, name), part);
            foreach (var (key, _) in part)
            {
                map[key] = name;
            }
        }

        File.WriteAllText(Path.Combine(_dir, "model.safetensors.index.json"), new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = map }.ToJsonString());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
