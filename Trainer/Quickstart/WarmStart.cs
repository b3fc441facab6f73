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
        var before = evaluator.Evaluate(task, options.EvalCount);
        log?.Report($"accuracy before warm start: {before.Accuracy:P1} on {before.Count} held-out problems");

        var train = Stopwatch.StartNew();
        var sftProgress = new SynchronousProgress<SftProgress>(p =>
            log?.Report($"sft step {p.Step}/{p.TotalSteps}  loss {p.Loss:F4}  lr {p.LearningRate:E2}  {p.Elapsed.TotalSeconds:F0}s"));
        var loss = new SftTrainer(model, tokenizer, options.Sft).Train(task, sftProgress);
        train.Stop();

        var after = evaluator.Evaluate(task, options.EvalCount);
        log?.Report($"accuracy after warm start: {after.Accuracy:P1} on {after.Count} held-out problems");
        PolicyCheckpoint.Save(options.OutputDirectory, model, tokenizer);
        log?.Report($"saved checkpoint to {options.OutputDirectory}");
        return new WarmStartReport(before, after, loss, parameters, train.Elapsed, total.Elapsed, options.OutputDirectory);
    }
}
