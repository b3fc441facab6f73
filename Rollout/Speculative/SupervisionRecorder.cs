using System.Diagnostics;
using RlSpec.Drafter.Alignment;
using RlSpec.Policy.Model;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Keeps, from the prefill and each verify forward the speculative decoder runs anyway, the captured features and the
/// policy's distribution at every fed position, and when a sequence finishes adds one <see cref="SupervisionRecord"/>
/// built from the positions it committed (its <see cref="SupervisionPart"/>s) to <see cref="Buffer"/>. Alignment
/// data therefore costs a gather and a host copy per step, never a policy forward.
/// </summary>
public sealed class SupervisionRecorder(SupervisionOptions options, SupervisionBuffer buffer)
{
    private readonly List<(Tensor Features, TeacherDistribution Teacher)> _forwards = [];

    public SupervisionOptions Options => options;

    public SupervisionBuffer Buffer => buffer;

    /// <summary>Policy version stamped on the records (set it at every weight update).</summary>
    public long PolicyVersion { get; set; }

    /// <summary>Wall time spent capturing, summed over all calls (part of the alignment cost).</summary>
    public double Seconds { get; private set; }

    internal void Begin() => Clear();

    /// <summary>Keeps a forward's features and teacher distributions [m, T, …] on the host; returns its index for parts.</summary>
    internal int Observe(ForwardOutput output)
    {
        var clock = Stopwatch.StartNew();
        using (var scope = NewDisposeScope())
        {
            var features = SupervisionCapture.Features(output, options.Layers).to_type(ScalarType.Float32).cpu();   // [m, T, F]
            var teacher = TeacherDistribution.From(output.Logits, options.TopK).To(CPU);                        // [m, T, K]
            _forwards.Add((features.DetachFromDisposeScope(), new TeacherDistribution(teacher.LogProbs.DetachFromDisposeScope(), teacher.Indices?.DetachFromDisposeScope())));
        }

        Seconds += clock.Elapsed.TotalSeconds;
        return _forwards.Count - 1;
    }

    /// <summary>Adds the record of a finished sequence: its prompt rows from the prefill, one row per committed completion token.</summary>
    internal void Complete(IReadOnlyList<int> prompt, IReadOnlyList<int> context, IReadOnlyList<SupervisionPart> parts)
    {
        var kept = parts.Where(p => p.Count > 0).ToList();
        if (kept.Count == 0)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        using (var scope = NewDisposeScope())
        {
            var features = cat(kept.Select(p => _forwards[p.Forward].Features[p.Row].narrow(0, 0, p.Count)).ToList(), 0);
            var logProbs = cat(kept.Select(p => _forwards[p.Forward].Teacher.LogProbs[p.Row].narrow(0, 0, p.Count)).ToList(), 0);
            var indices = options.TopK > 0 && _forwards[kept[0].Forward].Teacher.Indices is not null
                ? cat(kept.Select(p => _forwards[p.Forward].Teacher.Indices![p.Row].narrow(0, 0, p.Count)).ToList(), 0).DetachFromDisposeScope()
                : null;
            buffer.Add(new SupervisionRecord(PolicyVersion, [.. context], prompt.Count - 1, features.DetachFromDisposeScope(), new TeacherDistribution(logProbs.DetachFromDisposeScope(), indices)));
        }

        Seconds += clock.Elapsed.TotalSeconds;
    }

    internal void End() => Clear();

    private void Clear()
    {
        foreach (var (features, teacher) in _forwards)
        {
            features.Dispose();
            teacher.Dispose();
        }

        _forwards.Clear();
    }
}
