using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Trainer.Cli;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Runs;

namespace RlSpec.Trainer.Tests.Cluster;

/// <summary>
/// What the cluster tests share: a tiny policy, a JSONL task whose regex reward a random policy earns about a quarter of
/// the time (so groups have mixed rewards, updates change the weights, and every weights version differs), and the
/// single-process run each cluster run must reproduce.
/// </summary>
public sealed class ClusterRunFixture : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("rlspec-cluster-").FullName;

    public const int Steps = 3;

    private readonly Lazy<string> _reference;

    public ClusterRunFixture()
    {
        var tokenizer = TextTokenizer.ForCharacters(new ArithmeticTask(new ArithmeticTaskConfig()).Alphabet);
        using var policy = WeightInit.NewPolicy(new PolicyConfig(tokenizer.VocabSize, HiddenSize: 32, NumLayers: 2, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 64), 5, 0.3);
        PolicyCheckpoint.Save(PolicyDirectory, policy, tokenizer);
        using var wider = WeightInit.NewPolicy(new PolicyConfig(tokenizer.VocabSize, HiddenSize: 64, NumLayers: 2, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 64), 5, 0.3);
        PolicyCheckpoint.Save(Path.Combine(Directory, "wider"), wider, tokenizer);
        File.WriteAllLines(Dataset, Enumerable.Range(0, 200).Select(i => JsonSerializer.Serialize(new { prompt = $"{i % 9}+{i % 7}=", answer = "[0-4].*" })));
        _reference = new(() => TrainCommand.Fresh(Config(Path.Combine(Directory, "reference"), port: null)).RunDirectory);
    }

    public string PolicyDirectory => Path.Combine(Directory, "policy");

    private string Dataset => Path.Combine(Directory, "data.jsonl");

    /// <summary>The single-process run's directory (run once, on first use).</summary>
    public string Reference => _reference.Value;

    /// <summary>The run config; <paramref name="port"/> null = single process, else a trainer node on that port.</summary>
    /// <param name="prompts">Prompts per step (two chunks of half as many).</param>
    public RunConfig Config(string runDir, int? port, int steps = Steps, int minNodes = 2, int prompts = 6, int maxNewTokens = 32) => ConfigLoader.Load(null,
    [
        $"model.checkpoint={PolicyDirectory}", "model.device=cpu", "model.threads=1", "task.kind=jsonl", $"task.dataset={Dataset}", "task.reward=regex",
        "task.eval_prompts=0", $"rollout.prompts_per_step={prompts}", "rollout.group_size=4", $"rollout.max_new_tokens={maxNewTokens}", "drafter.pretrain_steps=2",
        // Cluster runs record the drafter's supervision in the log-prob stage (records stay on the trainer); the
        // single-process reference does the same, so the two runs are the same computation.
        "drafter.supervision=recompute", "drafter.steps_per_update=2", $"trainer.steps={steps}", "trainer.learning_rate=0.01", "pipeline.rollout_workers=2", "logging.checkpoint_every=2",
        $"logging.run_dir={runDir}", .. port is { } p ? new[] { "cluster.enabled=true", $"cluster.port={p}", $"cluster.min_rollout_nodes={minNodes}", "cluster.join_timeout_s=90" } : [],
    ]);

    /// <summary>Writes a config for a trainer process; returns its path.</summary>
    public string Write(string name, RunConfig config)
    {
        var path = Path.Combine(Directory, name + ".yaml");
        File.WriteAllText(path, ConfigLoader.ToYaml(config));
        return path;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static List<StepMetrics> Metrics(string runDir) => MetricsLog.Read(Path.Combine(runDir, MetricsLog.FileName));

    public static List<RolloutRecord> Rollouts(string runDir)
    {
        var (records, problem) = RolloutLog.Read(Path.Combine(runDir, RolloutLog.FileName));
        return problem is null ? records : throw new InvalidDataException(problem);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
