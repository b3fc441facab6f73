using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Drafter.DraftModel;

/// <summary>
/// Distils the policy into a draft model on the policy's own samples: forward KL(p_policy ‖ q_draft) at every
/// completion position (the gradient of soft cross-entropy against the policy's detached distribution), plus an
/// optional cross-entropy on the sampled tokens. Acceptance rate is 1 − TV(p, q), so lowering KL raises it.
/// Samples come from the caller (the Rollout layer owns generation).
/// </summary>
public sealed class DraftModelDistiller(PolicyModel policy, PolicyModel draft, int padId, DistillationOptions options)
{
    /// <returns>Mean KL of the last logging window.</returns>
    public double Train(Func<int, DistillationBatch> nextBatch, IProgress<(int Step, double Kl)>? progress = null)
    {
        using var optimizer = new HeldScalarAdamW(draft.parameters(), options.LearningRate, weightDecay: 0.0);
        draft.train();
        var window = new LossWindow(1, options.LogEvery, options.Steps, initial: double.NaN);
        for (var step = 0; step < options.Steps; step++)
        {
            CosineSchedule.Apply(optimizer, step, options.Steps, options.WarmupSteps, options.LearningRate, minRatio: 0.1);
            if (window.Add(step, [Step(nextBatch(step), optimizer)]) is { } mean)
            {
                progress?.Report((step + 1, mean[0]));
            }
        }

        draft.eval();
        return window.Last[0];
    }

    private double Step(DistillationBatch batch, HeldScalarAdamW optimizer)
    {
        using var scope = NewDisposeScope();
        var (ids, lengths) = PaddedBatch.Build(batch.Sequences, padId, draft.Device);
        var inputs = ids.narrow(1, 0, ids.shape[1] - 1);
        var targets = ids.narrow(1, 1, ids.shape[1] - 1);
        var mask = CompletionMask.Build(batch.PromptLengths, lengths, (int)targets.shape[1], draft.Device);   // [B, T-1]
        Tensor teacher;
        using (no_grad())
        {
            teacher = policy.Forward(inputs).Logits.log_softmax(-1);                     // [B, T-1, V]
        }

        optimizer.ZeroGrad();
        var student = draft.Forward(inputs).Logits.log_softmax(-1);
        var kl = ForwardKl.MaskedMean(teacher, student, mask);
        var loss = kl;
        if (options.CrossEntropyWeight > 0)
        {
            var ce = -student.gather(-1, targets.unsqueeze(-1)).squeeze(-1);
            loss = loss.Plus((ce * mask).sum().Times(options.CrossEntropyWeight) / mask.sum());
        }

        loss.backward();
        nn.utils.clip_grad_norm_(draft.parameters(), options.GradClip);
        optimizer.Step();
        return kl.item<float>();
    }
}
