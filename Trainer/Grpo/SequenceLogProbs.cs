using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Training;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Grpo;

/// <summary>
/// Per-token policy log-probs of completions, computed by one teacher-forced forward over prompt + completion.
/// The layout is shared by the recompute stage and the update, so both read exactly the same positions.
/// </summary>
public static class SequenceLogProbs
{
    /// <summary>Padded inputs, targets and completion mask for a micro-batch, and the prompt + completion rows they were built from.</summary>
    public static (Tensor Inputs, Tensor Targets, Tensor Mask, int[] PromptLengths, List<IReadOnlyList<int>> Rows) Layout(IReadOnlyList<ScoredRollout> batch, int padId, Device device)
    {
        var rows = batch.Select(r => (IReadOnlyList<int>)[.. r.Prompt, .. r.Completion]).ToList();
        var (ids, lengths) = PaddedBatch.Build(rows, padId, device);
        var width = ids.shape[1] - 1;
        var promptLengths = batch.Select(r => r.Prompt.Count).ToArray();
        return (ids.narrow(1, 0, width), ids.narrow(1, 1, width), CompletionMask.Build(promptLengths, lengths, (int)width, device), promptLengths, rows);
    }

    /// <summary>Puts per-sequence completion values into the [B, T] target layout (zeros elsewhere).</summary>
    public static Tensor Scatter(IReadOnlyList<IReadOnlyList<float>> values, int[] promptLengths, long width, Device device)
    {
        var flat = new float[values.Count * width];
        for (var b = 0; b < values.Count; b++)
        {
            for (var i = 0; i < values[b].Count; i++)
            {
                flat[(b * width) + promptLengths[b] - 1 + i] = values[b][i];
            }
        }

        return tensor(flat, [values.Count, width], device: device);
    }

    /// <summary>Reads per-sequence completion values back out of a [B, T] tensor.</summary>
    public static float[][] Gather(Tensor values, IReadOnlyList<ScoredRollout> batch, int[] promptLengths)
    {
        var host = values.to_type(ScalarType.Float32).cpu().data<float>().ToArray();
        var width = (int)values.shape[1];
        return batch.Select((r, b) => Enumerable.Range(0, r.Completion.Count).Select(i => host[(b * width) + promptLengths[b] - 1 + i]).ToArray()).ToArray();
    }

    /// <summary>log π_T(target) [B, T]: the trained distribution, logits / <paramref name="temperature"/> (see <see cref="LogitsProcessor.PolicyLogProbs"/>).</summary>
    public static Tensor Of(PolicyModel policy, Tensor inputs, Tensor targets, double temperature) =>
        LogitsProcessor.PolicyLogProbs(policy.Forward(inputs).Logits, temperature).gather(-1, targets.unsqueeze(-1)).squeeze(-1);
}
