using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;
using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Pipeline;
using RlSpec.Trainer.Training;
using TorchSharp;

namespace RlSpec.Trainer.Cluster;

/// <summary>
/// What a rollout node builds from the trainer's <see cref="NodeSetup"/>: the run's config, a cache for the weights
/// versions it fetches, and the factory of its workers' replicas (the trainer's own <see cref="ReplicaFactory"/>). The
/// setup's files live in a temporary directory for as long as the node serves the run.
/// </summary>
public sealed class RolloutNodeParts : IDisposable
{
    private readonly string _directory;

    private RolloutNodeParts(string directory, RunConfig config, WeightBlobCache weights, ReplicaFactory replicas) =>
        (_directory, Config, Weights, _replicas) = (directory, config, weights, replicas);

    private readonly ReplicaFactory _replicas;

    public RunConfig Config { get; }

    public WeightBlobCache Weights { get; }

    /// <summary>Versions a node keeps: enough for an asynchronous run's oldest and newest in use.</summary>
    public static int KeptVersions(RunConfig config) => config.Pipeline.Staleness + 2;

    public static RolloutNodeParts Build(byte[] setupBlob, torch.Device device)
    {
        var setup = NodeSetup.Decode(setupBlob);
        var directory = Directory.CreateTempSubdirectory("rlspec-node-").FullName;
        try
        {
            var config = setup.Materialize(directory);
            var shape = HfModelConfig.Read(Path.Combine(directory, "config.json"));
            var tokenizer = TextTokenizer.Load(directory);
            var weights = new WeightBlobCache(KeptVersions(config));
            var replicas = new ReplicaFactory(config, shape, setup.Eagle, tokenizer, Training.TaskFactory.Create(config.Task), device,
                ModelDType.Parse(config.Model.Dtype, "model.dtype", trainable: true), weights, directory);
            return new RolloutNodeParts(directory, config, weights, replicas);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public IRolloutChunkGenerator NewReplica() => _replicas.Create();

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
