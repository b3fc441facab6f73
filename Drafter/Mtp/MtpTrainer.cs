using RlSpec.Drafter.Drafting;
using RlSpec.Drafter.DraftModel;
using RlSpec.Policy.Model;
using RlSpec.Policy.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Mtp;

/// <summary>
/// Trains a policy's MTP heads with the policy frozen. Head i at position t should predict what the policy
/// itself predicts at position t+i (the token i+1 after the next), so the loss is forward KL from the policy's
/// distribution at t+i to head i's distribution from the hidden state at t — both from one policy forward.
/// </summary>
public sealed class MtpTrainer(PolicyModel policy, int padId, DistillationOptions options)
{
    /// <returns>Mean KL per head of the last logging window.</returns>
    public double[] Train(Func<int, DistillationBatch> nextBatch, IProgress<(int Step, double[] Kl)>? progress = null)
    {
        var heads = policy.Config.MtpHeads;
        using var optimizer = new HeldScalarAdamW(policy.MtpParameters(), options.LearningRate, weightDecay: 0.0);
        var window = new LossWindow(heads, options.LogEvery, options.Steps);
        for (var step = 0; step < options.Steps; step++)
        {
            CosineSchedule.Apply(optimizer, step, options.Steps, options.WarmupSteps, options.LearningRate, minRatio: 0.1);
            if (window.Add(step, Step(nextBatch(step), optimizer)) is { } mean)
            {
                progress?.Report((step + 1, mean));
            }
        }

        return window.Last;
    }

    private double[] Step(DistillationBatch batch, HeldScalarAdamW optimizer)
    {
        using var scope = NewDisposeScope();
        var (ids, lengths) = PaddedBatch.Build(batch.Sequences, padId, policy.Device);
        var inputs = ids.narrow(1, 0, ids.shape[1] - 1);
        var time = inputs.shape[1];
        var mask = CompletionMask.Build(batch.PromptLengths, lengths, (int)time, policy.Device);       // [B, T]
        Tensor teacher, hidden;
        using (no_grad())
        {
            var output = policy.Forward(inputs, captureLayers: [policy.FinalLayer]);
            teacher = output.Logits.log_softmax(-1);                                                // [B, T, V]
            hidden = output.Hidden[policy.FinalLayer];                                              // [B, T, H]
        }

        optimizer.ZeroGrad();
        policy.zero_grad();
        var (b, h, v) = (hidden.shape[0], hidden.shape[2], teacher.shape[2]);
        var heads = policy.Config.MtpHeads;
        var student = policy.MtpLogits(hidden.reshape(-1, h)).view(b, time, heads, v).log_softmax(-1); // [B, T, heads, V]
        var loss = zeros(1, device: policy.Device);
        var kls = new double[heads];
        for (var i = 0; i < heads && i + 1 < time; i++)
        {
            var shift = i + 1;
            var p = teacher.narrow(1, shift, time - shift);                                         // policy at t+i+1
            var q = student.narrow(1, 0, time - shift).select(2, i);                               // head i at t
            var m = mask.narrow(1, shift, time - shift);
            var kl = ForwardKl.MaskedMean(p, q, m);
            loss = loss.Plus(kl);
            kls[i] = kl.item<float>();
        }

        loss.backward();
        nn.utils.clip_grad_norm_(policy.MtpParameters(), options.GradClip);
        optimizer.Step();
        return kls;
    }
}
