using System.Diagnostics;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Quickstart;

/// <summary>Builds the built-in policy, scores it, fine-tunes it on worked solutions, scores it again, saves it.</summary>
public sealed class WarmStart(WarmStartOptions options, Device device)
{
    public WarmStartReport Run(IProgress<string>? log = null)
    {
        var total = Stopwatch.StartNew();
        RunDirectory.EnsureFreshCheckpointTarget(options.OutputDirectory);
        var task = options.Task;
        var tokenizer = TextTokenizer.ForCharacters(task.Alphabet);
        var config = options.Shape.For(tokenizer.VocabSize);
        var model = WeightInit.NewPolicy(config, options.Sft.Seed).to(device);
        var parameters = model.parameters().Sum(p => p.numel());
        log?.Report($"policy: {parameters:N0} parameters ({config.NumLayers} layers, hidden {config.HiddenSize}, {config.NumHeads} heads / {config.NumKvHeads} kv) on {device}");

        var evaluator = new TaskEvaluator(model, tokenizer);
        var before = Evaluate(evaluator, task, "before warm start", log);

        var train = Stopwatch.StartNew();
        var sft = new PhaseProgress(log, "warm start (SFT)", options.Sft.Steps, "steps");
        var loss = new SftTrainer(model, tokenizer, options.Sft).Train(task, new SynchronousProgress<SftProgress>(p =>
            sft.Report(p.Step, $"loss {p.Loss:F4}  lr {p.LearningRate:E2}")));
        train.Stop();
        sft.Done($"loss {loss:F4}");

        var after = Evaluate(evaluator, task, "after warm start", log);
        PolicyCheckpoint.Save(options.OutputDirectory, model, tokenizer);
        log?.Report($"saved checkpoint to {options.OutputDirectory}");
        return new WarmStartReport(before, after, loss, parameters, train.Elapsed, total.Elapsed, options.OutputDirectory);
    }

    private EvaluationResult Evaluate(TaskEvaluator evaluator, IVerifiableTask task, string when, IProgress<string>? log)
    {
        var progress = new PhaseProgress(log, $"greedy accuracy {when}", options.EvalCount, "problems");
        var result = evaluator.Evaluate(task, options.EvalCount, progress: progress);
        progress.Done($"{result.Accuracy:P1}");
        return result;
    }
}
