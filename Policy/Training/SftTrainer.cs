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
public sealed class SftTrainer(PolicyModel model, TextTokenizer tokenizer, SftOptions options) : IDisposable
{
    private readonly SftOptions _options = options.Validated();
    private HeldScalarAdamW? _continuation;

    /// <summary>Trains on the task's example stream; returns the mean loss of the last logging window.</summary>
    public double Train(IVerifiableTask task, IProgress<SftProgress>? progress = null, CancellationToken cancel = default)
    {
        var examples = task.Examples(_options.Seed).GetEnumerator();
        using var optimizer = new HeldScalarAdamW(model.parameters(), _options.LearningRate, _options.WeightDecay);
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

    /// <summary>
    /// Further training in rounds: <paramref name="steps"/> steps at a constant learning rate on examples seeded by
    /// <paramref name="seed"/>, with one optimizer kept across calls so round boundaries do not restart Adam's
    /// moments (a fresh Adam's first steps move every weight by about the learning rate, whatever its gradient).
    /// </summary>
    /// <returns>Mean loss over the round.</returns>
    public double Continue(IVerifiableTask task, int steps, int seed, double learningRate)
    {
        _continuation ??= new HeldScalarAdamW(model.parameters(), learningRate, _options.WeightDecay);
        _continuation.LearningRate = learningRate;

        var examples = task.Examples(seed).GetEnumerator();
        model.train();
        var total = 0.0;
        for (var step = 0; step < steps; step++)
        {
            total += Step(Enumerable.Range(0, _options.BatchSize).Select(_ => Next(examples)).ToList(), _continuation);
        }

        model.eval();
        return steps == 0 ? double.NaN : total / steps;
    }

    public void Dispose() => _continuation?.Dispose();

    private double Step(IReadOnlyList<TaskExample> batch, HeldScalarAdamW optimizer)
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

        optimizer.ZeroGrad();
        var logits = model.Forward(inputs).Logits;                                   // [B, T-1, V]
        var tokenLoss = nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[^1]), targets.reshape(-1), reduction: nn.Reduction.None);
        var loss = (tokenLoss * lossMask.reshape(-1)).sum() / lossMask.sum();
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters(), _options.GradClip);
        optimizer.Step();
        return loss.item<float>();
    }

    private static TaskExample Next(IEnumerator<TaskExample> examples) =>
        examples.MoveNext() ? examples.Current : throw new InvalidOperationException("task example stream ended");
}
