using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Trainer.Cli;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Runs;

namespace RlSpec.Trainer.Tests.Training;

/// <summary>Tiny training runs (a few seconds each) shared by the tests that read run directories: a speculative run with
/// the drafter aligned after every update, and the same run with plain rollouts.</summary>
public sealed class TinyRuns : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("rlspec-tinyruns-").FullName;

    private readonly Lazy<string> _speculative, _plain;

    public TinyRuns()
    {
        _speculative = new(() => Train("speculative"));
        _plain = new(() => Train("plain", "speculation.enabled=false"));
    }

    public string Speculative => _speculative.Value;

    public string Plain => _plain.Value;

    /// <summary>A 6-step run of a tiny random policy with an EAGLE head pretrained for 2 steps, in <c>Root/name</c>.</summary>
    public string Train(string name, params string[] overrides) => TrainCommand.Fresh(Config(Path.Combine(Root, name), overrides)).RunDirectory;

    public RunConfig Config(string runDir, params string[] overrides)
    {
        var policyDir = Path.Combine(Root, "policy");
        lock (this)
        {
            if (!Directory.Exists(policyDir))
            {
                var tokenizer = TextTokenizer.ForCharacters(new ArithmeticTask(new ArithmeticTaskConfig()).Alphabet);
                var policy = WeightInit.NewPolicy(new PolicyConfig(tokenizer.VocabSize, HiddenSize: 32, NumLayers: 2, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 64), 5, 0.3);
                PolicyCheckpoint.Save(policyDir, policy, tokenizer);
            }
        }

        return ConfigLoader.Load(null,
        [
            $"model.checkpoint={policyDir}", "model.device=cpu", "model.threads=1", "task.max_digits=2", "task.eval_prompts=0",
            "rollout.prompts_per_step=3", "rollout.group_size=2", "rollout.max_new_tokens=12", "drafter.pretrain_steps=2", "drafter.steps_per_update=2",
            "trainer.steps=6", "trainer.learning_rate=0.003", "logging.checkpoint_every=3", $"logging.run_dir={runDir}", .. overrides,
        ]);
    }

    /// <summary>The rows of a run's <c>metrics.csv</c>.</summary>
    public static List<StepMetrics> Metrics(string runDir) => MetricsLog.Read(Path.Combine(runDir, MetricsLog.FileName));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
