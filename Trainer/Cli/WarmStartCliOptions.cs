using System.CommandLine;
using RlSpec.Policy.Runtime;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Training;
using RlSpec.Trainer.Quickstart;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary>The flags of <c>sft</c> and <c>quickstart</c>; defaults come from the option records, not from here.</summary>
public sealed class WarmStartCliOptions
{
    private static readonly SftOptions SftDefaults = new();
    private static readonly ArithmeticTaskConfig TaskDefaults = new();

    private readonly Option<string?> _out = new("--out") { Description = "Checkpoint directory to create (default: runs/<command>-<timestamp>)" };
    private readonly Option<int> _steps = new("--steps") { Description = "SFT optimizer steps", DefaultValueFactory = _ => SftDefaults.Steps };
    private readonly Option<int> _batch = new("--batch-size") { Description = "Examples per step", DefaultValueFactory = _ => SftDefaults.BatchSize };
    private readonly Option<double> _lr = new("--lr") { Description = "Peak learning rate", DefaultValueFactory = _ => SftDefaults.LearningRate };
    private readonly Option<int> _minDigits = new("--min-digits") { Description = "Fewest digits per operand", DefaultValueFactory = _ => TaskDefaults.MinDigits };
    private readonly Option<int> _maxDigits = new("--max-digits") { Description = "Most digits per operand", DefaultValueFactory = _ => TaskDefaults.MaxDigits };
    private readonly Option<string> _ops = new("--ops") { Description = "Operators to draw from (+ and/or -)", DefaultValueFactory = _ => TaskDefaults.Operations };
    private readonly Option<int> _evalCount = new("--eval-count") { Description = "Held-out problems scored before and after", DefaultValueFactory = _ => 256 };
    private readonly Option<string> _device = CommonOptions.Device();
    private readonly Option<int> _seed = CommonOptions.Seed();
    private readonly Option<int> _threads = CommonOptions.Threads();

    public static WarmStartCliOptions AddTo(Command command)
    {
        var o = new WarmStartCliOptions();
        foreach (var option in new Option[] { o._out, o._steps, o._batch, o._lr, o._minDigits, o._maxDigits, o._ops, o._evalCount, o._device, o._seed, o._threads })
        {
            command.Options.Add(option);
        }

        return o;
    }

    public (WarmStartOptions Options, torch.Device Device) Read(ParseResult parse, string kind)
    {
        var device = RuntimeSetup.Apply(parse.GetValue(_device)!, parse.GetValue(_threads));
        var options = new WarmStartOptions(
            new ArithmeticTaskConfig(parse.GetValue(_minDigits), parse.GetValue(_maxDigits), parse.GetValue(_ops)!).Validated(),
            (SftDefaults with
            {
                Steps = parse.GetValue(_steps),
                BatchSize = parse.GetValue(_batch),
                LearningRate = parse.GetValue(_lr),
                Seed = parse.GetValue(_seed),
            }).Validated(),
            Model: null,
            EvalCount: parse.GetValue(_evalCount),
            OutputDirectory: parse.GetValue(_out) ?? RunDirectory.NewDefault(kind));
        return (options, device);
    }
}
