using System.CommandLine;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Runtime;
using RlSpec.Policy.Tasks;
using RlSpec.Rollout.Evaluation;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec eval</c>: greedy accuracy of a checkpoint on held-out built-in problems.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var defaults = new ArithmeticTaskConfig();
        var checkpoint = CommonOptions.Checkpoint(required: true);
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dtype = CommonOptions.DType();
        var count = new Option<int>("--count") { Description = "Held-out problems to score", DefaultValueFactory = _ => 256 };
        var minDigits = new Option<int>("--min-digits") { Description = "Fewest digits per operand", DefaultValueFactory = _ => defaults.MinDigits };
        var maxDigits = new Option<int>("--max-digits") { Description = "Most digits per operand", DefaultValueFactory = _ => defaults.MaxDigits };
        var ops = new Option<string>("--ops") { Description = "Operators to draw from (+ and/or -)", DefaultValueFactory = _ => defaults.Operations };
        var command = new Command("eval", "Score a checkpoint on held-out problems of the built-in task (greedy).")
        {
            checkpoint, device, threads, dtype, count, minDigits, maxDigits, ops,
        };
        command.SetAction(parse =>
        {
            var (model, tokenizer) = PolicyCheckpoint.Load(parse.GetValue(checkpoint)!, RuntimeSetup.Apply(parse.GetValue(device)!, parse.GetValue(threads)),
                ModelDType.Parse(parse.GetValue(dtype)!, "--dtype"));
            var task = new ArithmeticTask(new ArithmeticTaskConfig(parse.GetValue(minDigits), parse.GetValue(maxDigits), parse.GetValue(ops)!));
            var result = new TaskEvaluator(model, tokenizer).Evaluate(task, parse.GetValue(count));
            Console.WriteLine($"accuracy {result.Accuracy:P1} ({result.Correct}/{result.Count}), mean completion {result.MeanCompletionTokens:F1} tokens");
            return 0;
        });
        return command;
    }
}
