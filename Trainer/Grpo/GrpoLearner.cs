using RlSpec.Policy.Model;
using RlSpec.Policy.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Grpo;

/// <summary>
/// Applies GRPO updates to a policy: one AdamW step per batch of scored rollouts, gradients accumulated over
/// micro-batches, the learning rate on a warm-up + cosine schedule over <c>totalSteps</c>. The optimizer outlives
/// steps and is checkpointed with the policy so a resumed run continues exactly.
/// </summary>
public sealed class GrpoLearner : IDisposable
{
    private readonly PolicyModel _policy;
    private readonly PolicyModel? _reference;
    private readonly GrpoOptions _options;
    private readonly int _totalSteps;
    private readonly int _padId;
    private readonly HeldScalarAdamW _optimizer;

    /// <param name="reference">Frozen starting policy for the KL term (needed only when KlBeta &gt; 0).</param>
    public GrpoLearner(PolicyModel policy, PolicyModel? reference, GrpoOptions options, int totalSteps, int padId)
    {
        if (options.KlBeta > 0 && reference is null)
        {
            throw new ArgumentException("trainer.kl_beta > 0 needs a reference policy.");
        }

        (_policy, _reference, _options, _totalSteps, _padId) = (policy, reference, options, totalSteps, padId);
        _optimizer = new HeldScalarAdamW(policy.parameters(), options.LearningRate, options.WeightDecay);
    }

    /// <param name="step">0-based step index (drives the schedule).</param>
    /// <param name="oldLogProbs">log π_old per completion token: recomputed (on-policy) or behaviour (off-policy).</param>
    public UpdateMetrics Update(int step, IReadOnlyList<ScoredRollout> batch, IReadOnlyList<double> advantages, IReadOnlyList<IReadOnlyList<float>> oldLogProbs)
    {
        var lr = CosineSchedule.Apply(_optimizer, step, _totalSteps, _options.WarmupSteps, _options.LearningRate, _options.MinLearningRateRatio);
        var totalTokens = (double)batch.Sum(r => r.Completion.Count);
        if (totalTokens == 0)
        {
            return new UpdateMetrics(0, 0, 0, 0, 0, lr);
        }

        _policy.train();
        _optimizer.ZeroGrad();
        var (loss, clipped, kl, approxKl) = (0.0, 0.0, 0.0, 0.0);
        for (var start = 0; start < batch.Count; start += _options.MicroBatch)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(_options.MicroBatch, batch.Count - start);
            var chunk = batch.Skip(start).Take(count).ToList();
            var (inputs, targets, mask, promptLengths, _) = SequenceLogProbs.Layout(chunk, _padId, _policy.Device);
            var width = targets.shape[1];
            var old = SequenceLogProbs.Scatter(oldLogProbs.Skip(start).Take(count).ToList(), promptLengths, width, _policy.Device);
            var adv = tensor(advantages.Skip(start).Take(count).Select(a => (float)a).ToArray(), device: _policy.Device);
            Tensor? reference = null;
            if (_reference is not null && _options.KlBeta > 0)
            {
                using var noGrad = no_grad();
                reference = SequenceLogProbs.Of(_reference, inputs, targets, _options.Temperature);
            }

            var terms = PolicyLoss.Compute(SequenceLogProbs.Of(_policy, inputs, targets, _options.Temperature), old, adv, mask, totalTokens,
                _options.ClipLow, _options.ClipHigh, _options.KlBeta, reference);
            terms.Loss.backward();
            loss += terms.Loss.item<float>();
            clipped += terms.ClippedTokens.item<float>();
            kl += terms.KlSum.item<float>();
            approxKl += terms.ApproxKlSum.item<float>();
        }

        var gradNorm = nn.utils.clip_grad_norm_(_policy.parameters(), _options.GradClip);
        _optimizer.Step();
        _policy.eval();
        return new UpdateMetrics(loss, clipped / totalTokens, kl / totalTokens, approxKl / totalTokens, gradNorm, lr);
    }

    public void SaveOptimizer(string path) => _optimizer.Save(path);

    public void LoadOptimizer(string path) => _optimizer.Load(path);

    public void Dispose() => _optimizer.Dispose();
}
