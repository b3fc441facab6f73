using System.CommandLine;
using RlSpec.Policy.Model;
using RlSpec.Policy.Runtime;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Training;
using RlSpec.Trainer.Quickstart;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary>The flags of <c>sft</c>; defaults come from the option records, not from here.</summary>
public sealed class WarmStartCliOptions
{
    private static readonly SftOptions SftDefaults = new();
    private static readonly ArithmeticTaskConfig TaskDefaults = new();
    private static readonly ChainTaskConfig ChainDefaults = new();
    private static readonly PolicyShape ShapeDefaults = new();

    private readonly Option<string?> _out = new("--out") { Description = "Checkpoint directory to create (default: runs/<command>-<timestamp>)" };
    private readonly Option<int> _steps = new("--steps") { Description = "SFT optimizer steps", DefaultValueFactory = _ => SftDefaults.Steps };
    private readonly Option<int> _batch = new("--batch-size") { Description = "Examples per step", DefaultValueFactory = _ => SftDefaults.BatchSize };
    private readonly Option<double> _lr = new("--lr") { Description = "Peak learning rate", DefaultValueFactory = _ => SftDefaults.LearningRate };
    private readonly Option<string> _task = new("--task") { Description = "Built-in task: arithmetic or chain (1 to --max-ops operations, a long tail of lengths)", DefaultValueFactory = _ => "arithmetic" };
    private readonly Option<int> _minDigits = new("--min-digits") { Description = "Fewest digits per operand", DefaultValueFactory = _ => TaskDefaults.MinDigits };
    private readonly Option<int?> _maxDigits = new("--max-digits") { Description = $"Most digits per operand (default {TaskDefaults.MaxDigits}, chain {ChainDefaults.MaxDigits})" };
    private readonly Option<string> _ops = new("--ops") { Description = "Operators to draw from (+ and/or -)", DefaultValueFactory = _ => TaskDefaults.Operations };
    private readonly Option<int> _maxOps = new("--max-ops") { Description = "Longest chain of the chain task", DefaultValueFactory = _ => ChainDefaults.MaxOperations };
    private readonly Option<string> _preset = new("--preset") { Description = $"Policy shape: {string.Join(" or ", PolicyShape.Presets)}", DefaultValueFactory = _ => ShapeDefaults.Preset };
    private readonly Option<int> _layers = new("--layers") { Description = "Decoder layers (0 = the preset's)" };
    private readonly Option<int> _hidden = new("--hidden") { Description = "Hidden size (0 = the preset's)" };
    private readonly Option<int> _heads = new("--heads") { Description = "Query heads (0 = the preset's)" };
    private readonly Option<int> _kvHeads = new("--kv-heads") { Description = "Key/value heads (0 = the preset's)" };
    private readonly Option<int> _intermediate = new("--intermediate") { Description = "MLP width (0 = the preset's)" };
    private readonly Option<int> _evalCount = new("--eval-count") { Description = "Held-out problems scored before and after", DefaultValueFactory = _ => 256 };
    private readonly Option<string> _device = CommonOptions.Device();
    private readonly Option<int> _seed = CommonOptions.Seed();
    private readonly Option<int> _threads = CommonOptions.Threads();

    public static WarmStartCliOptions AddTo(Command command)
    {
        var o = new WarmStartCliOptions();
        foreach (var option in new Option[]
        {
            o._out, o._steps, o._batch, o._lr, o._task, o._minDigits, o._maxDigits, o._ops, o._maxOps, o._preset, o._layers, o._hidden, o._heads, o._kvHeads,
            o._intermediate, o._evalCount, o._device, o._seed, o._threads,
        })
        {
            command.Options.Add(option);
        }

        return o;
    }

    public (WarmStartOptions Options, torch.Device Device) Read(ParseResult parse, string kind)
    {
        var device = RuntimeSetup.Apply(parse.GetValue(_device)!, parse.GetValue(_threads));
        var (minDigits, ops) = (parse.GetValue(_minDigits), parse.GetValue(_ops)!);
        IVerifiableTask task = parse.GetValue(_task) switch
        {
            "arithmetic" => new ArithmeticTask(new ArithmeticTaskConfig(minDigits, parse.GetValue(_maxDigits) ?? TaskDefaults.MaxDigits, ops)),
            "chain" => new ChainTask(new ChainTaskConfig(minDigits, parse.GetValue(_maxDigits) ?? ChainDefaults.MaxDigits, ops, parse.GetValue(_maxOps))),
            var other => throw new ArgumentException($"--task: expected arithmetic or chain, got '{other}'."),
        };
        var shape = new PolicyShape(parse.GetValue(_preset)!, parse.GetValue(_layers), parse.GetValue(_hidden), parse.GetValue(_heads), parse.GetValue(_kvHeads),
            parse.GetValue(_intermediate));
        var options = new WarmStartOptions(
            task,
            (SftDefaults with
            {
                Steps = parse.GetValue(_steps),
                BatchSize = parse.GetValue(_batch),
                LearningRate = parse.GetValue(_lr),
                Seed = parse.GetValue(_seed),
            }).Validated(),
            shape,
            EvalCount: parse.GetValue(_evalCount),
            OutputDirectory: parse.GetValue(_out) ?? RunDirectory.NewDefault(kind));
        return (options, device);
    }
}
