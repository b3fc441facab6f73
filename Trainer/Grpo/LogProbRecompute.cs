using RlSpec.Drafter.Alignment;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Grpo;

/// <summary>
/// The step's "log-prob recompute" stage: one no-grad forward per micro-batch under the current weights gives
/// π_old for the ratio (the trained distribution, logits / temperature), and, from the same forward, the hidden features
/// and distributions the drafter aligns on, so alignment needs no forward of its own.
/// </summary>
public static class LogProbRecompute
{
    public sealed record Result(float[][] LogProbs, List<SupervisionRecord> Supervision, double Entropy);

    public static Result Run(PolicyModel policy, IReadOnlyList<ScoredRollout> batch, int microBatch, int padId, double temperature, SupervisionOptions? capture, long version)
    {
        using var noGrad = no_grad();
        var logProbs = new List<float[]>();
        var records = new List<SupervisionRecord>();
        var (entropySum, tokens) = (0.0, 0.0);
        foreach (var chunk in batch.Chunk(microBatch))
        {
            using var scope = NewDisposeScope();
            var (inputs, targets, mask, promptLengths, rows) = SequenceLogProbs.Layout(chunk, padId, policy.Device);
            using var output = policy.Forward(inputs, captureLayers: capture?.Layers.ToArray());
            var logSoftmax = LogitsProcessor.PolicyLogProbs(output.Logits, temperature);
            logProbs.AddRange(SequenceLogProbs.Gather(logSoftmax.gather(-1, targets.unsqueeze(-1)).squeeze(-1), chunk, promptLengths));
            entropySum += (-(logSoftmax.exp() * logSoftmax).sum(-1) * mask).sum().item<float>();
            tokens += mask.sum().item<float>();
            if (capture is not null)
            {
                records.AddRange(SupervisionCapture.FromForward(output, rows, promptLengths, capture, version));
            }
        }

        return new Result([.. logProbs], records, tokens == 0 ? 0 : entropySum / tokens);
    }
}
