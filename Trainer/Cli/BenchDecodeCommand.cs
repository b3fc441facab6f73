using System.CommandLine;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Runtime;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Benchmarks;
using Spectre.Console;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec bench decode</c>: plain decode tokens/s of a checkpoint (or the built-in policy shape) per batch size.</summary>
public static class BenchDecodeCommand
{
    public static Command Create()
    {
        var checkpoint = CommonOptions.Checkpoint(required: false);
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dtype = CommonOptions.DType();
        var batches = new Option<int[]>("--batch") { Description = "Batch sizes", DefaultValueFactory = _ => [1, 8], AllowMultipleArgumentsPerToken = true };
        var steps = new Option<int>("--steps") { Description = "Decode steps timed per repeat", DefaultValueFactory = _ => 64 };
        var prompt = new Option<int>("--prompt-tokens") { Description = "Prefill length before timing", DefaultValueFactory = _ => 16 };
        var repeats = new Option<int>("--repeats") { Description = "Repeats per batch size (median reported)", DefaultValueFactory = _ => 5 };
        var command = new Command("decode", "Plain KV-cached decode throughput at each batch size.")
        {
            checkpoint, device, threads, dtype, batches, steps, prompt, repeats,
        };
        command.SetAction(parse =>
        {
            var dev = RuntimeSetup.Apply(parse.GetValue(device)!, parse.GetValue(threads));
            var wanted = ModelDType.Parse(parse.GetValue(dtype)!, "--dtype");
            var model = parse.GetValue(checkpoint) is { } dir
                ? PolicyCheckpoint.Load(dir, dev, wanted).Model
                : WeightInit.NewPolicy(new PolicyConfig(TextTokenizer.ForCharacters(new ArithmeticTask(new()).Alphabet).VocabSize), 0).to(dev).to(wanted);
            model.eval();
            var table = new Table().AddColumn("batch").AddColumn("ms / step").AddColumn("tokens/s");
            foreach (var b in parse.GetValue(batches)!)
            {
                var m = DecodeBenchmark.Measure(model, b, parse.GetValue(prompt), parse.GetValue(steps), parse.GetValue(repeats));
                table.AddRow($"{m.Batch}", $"{m.MedianSecondsPerStep * 1000:F2}", $"{m.TokensPerSecond:F0}");
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
