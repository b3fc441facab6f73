using System.Diagnostics;
using RlSpec.Drafter.Alignment;
using RlSpec.Policy.Model;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Keeps, from the prefill and each verify forward the speculative decoder runs anyway, the captured features and
/// the policy's distribution at every fed position that ended up committed, and at the end of the batch adds one
/// <see cref="SupervisionRecord"/> per sequence to <see cref="Buffer"/>. Alignment data therefore costs a gather
/// and a host copy per step, never a policy forward.
/// </summary>
public sealed class SupervisionRecorder(SupervisionOptions options, SupervisionBuffer buffer)
{
    private readonly List<(Tensor Features, TeacherDistribution Teacher, int[] Kept)> _steps = [];

    public SupervisionOptions Options => options;

    public SupervisionBuffer Buffer => buffer;

    /// <summary>Policy version stamped on the records (set it at every weight update).</summary>
    public long PolicyVersion { get; set; }

    /// <summary>Wall time spent capturing, summed over all batches (part of the alignment cost).</summary>
    public double Seconds { get; private set; }

    internal void Begin() => Clear();

    /// <param name="kept">Committed fed positions per row in this forward (its first columns).</param>
    internal void Observe(ForwardOutput output, int[] kept)
    {
        var clock = Stopwatch.StartNew();
        using (var scope = NewDisposeScope())
        {
            var features = SupervisionCapture.Features(output, options.Layers).to_type(ScalarType.Float32).cpu();   // [B, k+1, F]
            var teacher = TeacherDistribution.From(output.Logits, options.TopK).To(CPU);                        // [B, k+1, K]
            _steps.Add((features.DetachFromDisposeScope(), new TeacherDistribution(teacher.LogProbs.DetachFromDisposeScope(), teacher.Indices?.DetachFromDisposeScope()), kept));
        }

        Seconds += clock.Elapsed.TotalSeconds;
    }

    /// <summary>Adds one record per row: the prefill gave the prompt rows, the verify steps one row per completion token.</summary>
    internal void Finish(IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<IReadOnlyList<int>> contexts)
    {
        var clock = Stopwatch.StartNew();
        for (var b = 0; b < prompts.Count; b++)
        {
            var parts = _steps.Where(s => s.Kept[b] > 0).ToList();
            var rows = parts.Sum(s => s.Kept[b]);
            if (rows == 0)
            {
                continue;
            }

            using var scope = NewDisposeScope();
            var features = cat(parts.Select(s => s.Features[b].narrow(0, 0, s.Kept[b])).ToList(), 0);
            var logProbs = cat(parts.Select(s => s.Teacher.LogProbs[b].narrow(0, 0, s.Kept[b])).ToList(), 0);
            var indices = options.TopK > 0 && parts[0].Teacher.Indices is not null
                ? cat(parts.Select(s => s.Teacher.Indices![b].narrow(0, 0, s.Kept[b])).ToList(), 0).DetachFromDisposeScope()
                : null;
            buffer.Add(new SupervisionRecord(PolicyVersion, [.. contexts[b]], prompts[b].Count - 1, features.DetachFromDisposeScope(), new TeacherDistribution(logProbs.DetachFromDisposeScope(), indices)));
        }

        Clear();
        Seconds += clock.Elapsed.TotalSeconds;
    }

    private void Clear()
    {
        foreach (var (features, teacher, _) in _steps)
        {
            features.Dispose();
            teacher.Dispose();
        }

        _steps.Clear();
    }
}
