using System.Text.Json.Nodes;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>
/// HF-style model directory: <c>config.json</c>, weights (<c>model.safetensors</c>, shards listed in
/// <c>model.safetensors.index.json</c>, or <c>pytorch_model.bin</c>) and tokenizer files. Tensor names are HF's, so the
/// same loader reads RlSpec's own checkpoints and downloaded Llama / Qwen2 / Qwen3 ones.
/// </summary>
public static class PolicyCheckpoint
{
    public const string WeightsFile = CheckpointWeights.SafeTensorsFile;

    /// <summary>Writes config, weights (in the model's dtype) and tokenizer files into <paramref name="directory"/>.</summary>
    public static void Save(string directory, PolicyModel model, TextTokenizer tokenizer, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Directory.CreateDirectory(directory);
        SafeTensorsWriter.Write(Path.Combine(directory, WeightsFile), model.state_dict(), metadata);
        HfModelConfig.Write(Path.Combine(directory, "config.json"), model.Config, ModelDType.Name(model.DType));
        tokenizer.Save(directory);
    }

    /// <summary>
    /// Builds the model in <paramref name="dtype"/> (default float32) directly on <paramref name="device"/> and streams the
    /// weights into it, converting only tensors stored in another dtype: loading needs little more memory than the
    /// parameters themselves.
    /// </summary>
    public static (PolicyModel Model, TextTokenizer Tokenizer) Load(string directory, Device device, ScalarType? dtype = null)
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

        // Built on the meta device and given uninitialised storage: every parameter is about to be overwritten.
        var wanted = dtype ?? ModelDType.Parse(ModelDType.Default, nameof(dtype));
        var model = ParameterMaterializer.Materialize(new PolicyModel(config, wanted, ParameterMaterializer.Meta), wanted, device);
        CheckpointWeights.Load(model, directory, name => IsDerived(name, config));
        model.eval();
        return (model, tokenizer);
    }

    /// <summary>Copies tensors into the model by name; missing, unexpected or mis-shaped tensors fail naming the tensor.</summary>
    public static void LoadWeights(PolicyModel model, IReadOnlyDictionary<string, Tensor> tensors, string source) =>
        ModuleWeights.Load(model, tensors.Where(kv => !IsDerived(kv.Key, model.Config)).ToDictionary(kv => kv.Key, kv => kv.Value), source);

    /// <summary>Stored tensors the model does not load: rotary frequencies are recomputed from config; a tied LM head is the embedding itself.</summary>
    private static bool IsDerived(string name, PolicyConfig config) =>
        name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal) || (config.TieEmbeddings && name == "lm_head.weight");
}
