using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Policy.Training;

/// <summary>
/// Warm start: next-token cross-entropy on (prompt, worked solution) pairs, scored on completion tokens only,
/// so the policy learns to answer rather than to predict prompts.
/// </summary>
public sealed class SftTrainer(PolicyModel model, TextTokenizer tokenizer, SftOptions options)
{
    private readonly SftOptions _options = options.Validated();

    /// <summary>Trains on the task's example stream; returns the mean loss of the last logging window.</summary>
    public double Train(IVerifiableTask task, IProgress<SftProgress>? progress = null, CancellationToken cancel = default)
    {
        var examples = task.Examples(_options.Seed).GetEnumerator();
        using var optimizer = optim.AdamW(model.parameters(), _options.LearningRate, weight_decay: _options.WeightDecay);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        model.train();
        double windowLoss = 0, lastLoss = double.NaN;
        var windowSteps = 0;
        for (var step = 0; step < _options.Steps; step++)
        {
            cancel.ThrowIfCancellationRequested();
            var lr = CosineSchedule.Apply(optimizer, step, _options.Steps, _options.WarmupSteps, _options.LearningRate, _options.MinLearningRateRatio);
            var batch = Enumerable.Range(0, _options.BatchSize).Select(_ => Next(examples)).ToList();
            windowLoss += Step(batch, optimizer);
            windowSteps++;
            if ((step + 1) % _options.LogEvery == 0 || step + 1 == _options.Steps)
            {
                lastLoss = windowLoss / windowSteps;
                progress?.Report(new SftProgress(step + 1, _options.Steps, lastLoss, lr, clock.Elapsed));
                (windowLoss, windowSteps) = (0, 0);
            }
        }

        model.eval();
        return lastLoss;
    }

    private double Step(IReadOnlyList<TaskExample> batch, optim.Optimizer optimizer)
    {
        using var scope = NewDisposeScope();
        var rows = new List<IReadOnlyList<int>>();
        var promptLengths = new List<int>();
        foreach (var example in batch)
        {
            var prompt = PromptFormat.Prompt(tokenizer, example.Prompt);
            rows.Add([.. prompt, .. PromptFormat.Completion(tokenizer, example.Solution!)]);
            promptLengths.Add(prompt.Count);
        }

        var (ids, lengths) = PaddedBatch.Build(rows, tokenizer.Special.Pad, model.Device);
        var inputs = ids.narrow(1, 0, ids.shape[1] - 1);
        var targets = ids.narrow(1, 1, ids.shape[1] - 1);
        var lossMask = CompletionMask.Build(promptLengths, lengths, (int)targets.shape[1], model.Device);

        optimizer.zero_grad();
        var logits = model.Forward(inputs).Logits;                                   // [B, T-1, V]
        var tokenLoss = nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[^1]), targets.reshape(-1), reduction: nn.Reduction.None);
        var loss = (tokenLoss * lossMask.reshape(-1)).sum() / lossMask.sum();
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters(), _options.GradClip);
        optimizer.step();
        return loss.item<float>();
    }

    private static TaskExample Next(IEnumerator<TaskExample> examples) =>
        examples.MoveNext() ? examples.Current : throw new InvalidOperationException("task example stream ended");
}
