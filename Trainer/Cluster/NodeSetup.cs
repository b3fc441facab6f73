using MessagePack;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;
using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Config;

namespace RlSpec.Trainer.Cluster;

/// <summary>
/// Everything a rollout node needs besides the weights, sent once as a blob when it is taken on: the trainer's resolved
/// config, the policy's <c>config.json</c> and tokenizer files, the EAGLE head's shape, and a JSONL task's dataset (the
/// task scores rollouts where they are generated). Nodes need no files of their own.
/// </summary>
/// <param name="ModelFiles">File name → bytes of an HF model directory without its weights.</param>
/// <param name="EagleLayers">Feature layers of the EAGLE or chunk head (null = no trained head).</param>
/// <param name="EagleChunk">The head drafts chunks (the chunk drafter) rather than sequentially.</param>
public sealed record NodeSetup(string ConfigYaml, IReadOnlyDictionary<string, byte[]> ModelFiles, int[]? EagleLayers, int EagleMaxChain, byte[]? Dataset, bool EagleChunk = false)
{
    public const string ConfigFile = "config.yaml";
    public const string DatasetFile = "dataset.jsonl";

    public static NodeSetup Create(RunConfig config, PolicyConfig shape, TextTokenizer tokenizer, EagleConfig? eagle)
    {
        var staging = Directory.CreateTempSubdirectory("rlspec-setup-").FullName;
        try
        {
            HfModelConfig.Write(Path.Combine(staging, "config.json"), shape);
            tokenizer.Save(staging);
            var files = Directory.GetFiles(staging).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);
            var dataset = config.Task.Kind == "jsonl" ? File.ReadAllBytes(config.Task.Dataset!) : null;
            return new NodeSetup(ConfigLoader.ToYaml(config), files, eagle?.FeatureLayers.ToArray(), eagle?.MaxChain ?? 0, dataset, eagle?.Chunk ?? false);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    public byte[] Encode() => MessagePackSerializer.Serialize(this, MessagePackMessageSerializer.Options);

    public static NodeSetup Decode(byte[] blob) => MessagePackSerializer.Deserialize<NodeSetup>(blob, MessagePackMessageSerializer.Options)
        ?? throw new InvalidDataException("empty node setup blob");

    public EagleConfig? Eagle => EagleLayers is null ? null : new EagleConfig(EagleLayers, EagleMaxChain, EagleChunk);

    /// <summary>Writes the files into <paramref name="directory"/> (model files, config, dataset) and returns the config
    /// read back from there, its dataset path pointing at the local copy.</summary>
    public RunConfig Materialize(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, bytes) in ModelFiles)
        {
            if (Path.GetFileName(name) != name)
            {
                throw new InvalidDataException($"node setup names a model file '{name}' outside its directory.");
            }

            File.WriteAllBytes(Path.Combine(directory, name), bytes);
        }

        var configPath = Path.Combine(directory, ConfigFile);
        File.WriteAllText(configPath, ConfigYaml);
        var overrides = new List<string>();
        if (Dataset is not null)
        {
            File.WriteAllBytes(Path.Combine(directory, DatasetFile), Dataset);
            overrides.Add($"task.dataset={Path.Combine(directory, DatasetFile)}");
        }

        return ConfigLoader.Load(configPath, overrides);
    }
}
