using System.Diagnostics;
using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Drafting;
using RlSpec.Drafter.DraftModel;
using RlSpec.Policy.Model;
using RlSpec.Policy.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Eagle;

/// <summary>
/// Trains an <see cref="EagleHead"/> against the policy's own distributions with the policy frozen. Every completion
/// position starts a chain that unrolls <c>depth</c> draft steps on the head's own states ("training-time test"),
/// feeding the sequence's real tokens, and every step is scored by forward KL to the policy's distribution at that
/// row (optionally plus cross-entropy on the sampled token). The optimizer lives as long as the trainer, so online
/// alignment keeps its moments across policy updates.
/// </summary>
public sealed class EagleTrainer : IDisposable
{
    private readonly PolicyModel _policy;
    private readonly EagleHead _head;
    private readonly HeldScalarAdamW _optimizer;
    private readonly double _gradClip;
    private readonly double _crossEntropyWeight;

    public EagleTrainer(PolicyModel policy, EagleHead head, double learningRate, double gradClip = 1.0, double crossEntropyWeight = 0.0)
    {
        (_policy, _head, _gradClip, _crossEntropyWeight) = (policy, head, gradClip, crossEntropyWeight);
        _optimizer = new HeldScalarAdamW(head.parameters(), learningRate, weightDecay: 0.0);
    }

    /// <summary>The head being trained.</summary>
    public EagleHead Head => _head;

    /// <summary>One optimizer step on <paramref name="records"/>; returns the KL of each unrolled step.</summary>
    public double[] Step(IReadOnlyList<SupervisionRecord> records, int depth, double? learningRate = null)
    {
        if (learningRate is { } lr)
        {
            _optimizer.LearningRate = lr;
        }

        using var scope = NewDisposeScope();
        using var batch = new SequenceBatch(records, depth, _policy.Device);
        if (batch.Time <= 1)
        {
            return new double[depth];
        }

        _head.train();
        _optimizer.ZeroGrad();
        var logits = _head.Unroll(_policy, batch.Features, batch.TokensAfter, Math.Min(depth, batch.Time - 1));
        var loss = zeros(1, device: _policy.Device);
        var kls = new double[depth];
        for (var j = 0; j < logits.Count; j++)
        {
            var student = logits[j].log_softmax(-1);                                                  // [N, T, V]
            var valid = batch.Valid(j);
            var kl = batch.TeacherAfter(j).KlTo(student, valid);
            loss = loss.Plus(kl);
            kls[j] = kl.item<float>();
            if (_crossEntropyWeight > 0)
            {
                var nll = -student.gather(-1, batch.TokensAfter(j + 1).unsqueeze(-1)).squeeze(-1);
                loss = loss.Plus((nll * valid).sum().Times(_crossEntropyWeight) / valid.sum().ClampMin(1));
            }
        }

        loss.DividedBy(logits.Count).backward();
        nn.utils.clip_grad_norm_(_head.parameters(), _gradClip);
        _optimizer.Step();
        _head.eval();
        return kls;
    }

    /// <summary>
    /// Online alignment after a policy update: <see cref="AlignmentOptions.StepsPerUpdate"/> steps on buffer records
    /// no older than <see cref="AlignmentOptions.MaxStaleness"/> versions behind <paramref name="policyVersion"/>.
    /// </summary>
    public AlignmentReport Align(SupervisionBuffer buffer, long policyVersion, AlignmentOptions options, Random rng)
    {
        options.Validated();
        var clock = Stopwatch.StartNew();
        var sum = new double[options.Depth];
        var (steps, rows, newest) = (0, 0L, -1L);
        for (var s = 0; s < options.StepsPerUpdate; s++)
        {
            var records = buffer.Sample(rng, options.BatchRecords, policyVersion - options.MaxStaleness);
            if (records.Count == 0)
            {
                break;
            }

            var kl = Step(records, options.Depth, options.LearningRate);
            for (var j = 0; j < kl.Length; j++)
            {
                sum[j] += kl[j];
            }

            steps++;
            rows += records.Sum(r => (long)r.Length);
            newest = Math.Max(newest, records.Max(r => r.PolicyVersion));
        }

        return new AlignmentReport(steps, steps == 0 ? [] : sum.Select(x => x / steps).ToArray(), rows, clock.Elapsed.TotalSeconds, newest);
    }

    /// <summary>
    /// Pretraining from scratch on fresh policy samples (no buffer): each step captures one batch with a policy
    /// forward and trains on it, with a cosine schedule.
    /// </summary>
    public double[] Pretrain(Func<int, DistillationBatch> nextBatch, int padId, SupervisionOptions capture, DistillationOptions options, int depth,
        IProgress<(int Step, double[] Kl)>? progress = null)
    {
        var window = new LossWindow(depth, options.LogEvery, options.Steps);
        for (var step = 0; step < options.Steps; step++)
        {
            var batch = nextBatch(step);
            var records = SupervisionCapture.FromSequences(_policy, batch.Sequences, batch.PromptLengths, padId, capture, version: 0);
            double[] kl;
            try
            {
                kl = Step(records, depth, CosineSchedule.At(step, options.Steps, options.WarmupSteps, options.LearningRate, minRatio: 0.1));
            }
            finally
            {
                records.ForEach(r => r.Dispose());
            }

            if (window.Add(step, kl) is { } mean)
            {
                progress?.Report((step + 1, mean));
            }
        }

        return window.Last;
    }

    /// <summary>Saves the optimizer state (Adam moments), so a resumed run continues alignment exactly.</summary>
    public void SaveOptimizer(string path) => _optimizer.Save(path);

    public void LoadOptimizer(string path) => _optimizer.Load(path);

    public void Dispose() => _optimizer.Dispose();
}
