using System.CommandLine;
using RlSpec.Drafter.DraftModel;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Distillation;
using RlSpec.Rollout.Generation;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// Flags shared by the commands that train a drafter on the policy's own samples (<c>train-drafter</c>,
/// <c>train-mtp</c>): which policy, how many steps, and how its samples are drawn.
/// </summary>
public sealed class PolicySamplingCliOptions
{
    private static readonly DistillationOptions Defaults = new();

    private readonly Option<string> _policy = new("--policy") { Description = "Policy checkpoint directory", Required = true };
    private readonly Option<int> _steps = new("--steps") { DefaultValueFactory = _ => Defaults.Steps, Description = "Optimizer steps" };
    private readonly Option<int> _batch = new("--batch-size") { DefaultValueFactory = _ => 32, Description = "Policy samples per step" };
    private readonly Option<double> _temperature = new("--temperature") { DefaultValueFactory = _ => 1.0, Description = "Temperature of the policy samples (match your rollouts)" };
    private readonly Option<string> _task = new("--task") { DefaultValueFactory = _ => "arithmetic", Description = "Built-in task whose prompts the policy completes: arithmetic or chain (match your rollouts)" };
    private readonly Option<int> _maxNewTokens = new("--max-new-tokens") { DefaultValueFactory = _ => 96, Description = "Completion budget of the policy samples (match your rollouts)" };
    private readonly Option<string> _device = CommonOptions.Device();
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string> _dtype = CommonOptions.DType(trainable: true);
    private readonly Option<int> _seed = CommonOptions.Seed();

    public static PolicySamplingCliOptions AddTo(Command command)
    {
        var o = new PolicySamplingCliOptions();
        foreach (var option in new Option[] { o._policy, o._steps, o._batch, o._temperature, o._task, o._maxNewTokens, o._device, o._threads, o._dtype, o._seed })
        {
            command.Options.Add(option);
        }

        return o;
    }

    public string PolicyDirectory(ParseResult parse) => parse.GetValue(_policy)!;

    public int Seed(ParseResult parse) => parse.GetValue(_seed);

    public DistillationOptions Training(ParseResult parse) => Defaults with { Steps = parse.GetValue(_steps) };

    /// <summary>Applies device/threads and loads the policy named by --policy.</summary>
    public (PolicyModel Model, TextTokenizer Tokenizer) LoadPolicy(ParseResult parse) =>
        PolicyCheckpoint.Load(PolicyDirectory(parse), RuntimeSetup.Apply(parse.GetValue(_device)!, parse.GetValue(_threads)), ModelDType.Parse(parse.GetValue(_dtype)!, "--dtype", trainable: true));

    /// <summary>Built-in task prompts completed by <paramref name="policy"/> at --temperature, --batch-size per step.</summary>
    public PolicySampleSource Samples(ParseResult parse, PolicyModel policy, TextTokenizer tokenizer) =>
        new(policy, tokenizer, Task(parse), new GenerationOptions(parse.GetValue(_maxNewTokens), new SamplingParams(parse.GetValue(_temperature))),
            parse.GetValue(_batch), parse.GetValue(_seed) + 1);

    /// <summary>Sequences the pretraining sees: steps × batch size (its data budget).</summary>
    public long Sequences(ParseResult parse) => (long)parse.GetValue(_steps) * parse.GetValue(_batch);

    private IVerifiableTask Task(ParseResult parse) => parse.GetValue(_task) switch
    {
        "arithmetic" => new ArithmeticTask(new ArithmeticTaskConfig()),
        "chain" => new ChainTask(new ChainTaskConfig()),
        var other => throw new ArgumentException($"--task: expected arithmetic or chain, got '{other}'."),
    };
}
