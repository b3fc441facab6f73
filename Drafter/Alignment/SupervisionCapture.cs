using RlSpec.Policy.Model;
using RlSpec.Policy.Training;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Alignment;

/// <summary>
/// Cuts <see cref="SupervisionRecord"/>s out of policy forwards over whole prompt+completion sequences, as the
/// trainer's log-prob recomputation (or drafter pretraining) runs them.
/// </summary>
public static class SupervisionCapture
{
    /// <summary>Layer states at <paramref name="layers"/> concatenated along the feature axis [..., layers × hidden].</summary>
    public static Tensor Features(ForwardOutput output, IReadOnlyList<int> layers) =>
        cat(layers.Select(l => output.Hidden.TryGetValue(l, out var h) ? h : throw new ArgumentException($"layer {l} was not captured by the forward.")).ToList(), -1);

    /// <summary>Records from a forward that already captured <see cref="SupervisionOptions.Layers"/> over right-padded rows.</summary>
    public static List<SupervisionRecord> FromForward(ForwardOutput output, IReadOnlyList<IReadOnlyList<int>> sequences, IReadOnlyList<int> promptLengths,
        SupervisionOptions options, long version)
    {
        using var scope = NewDisposeScope();
        var features = Features(output, options.Layers).detach().to_type(ScalarType.Float32).cpu();   // [B, T, F]
        var teacher = TeacherDistribution.From(output.Logits.detach(), options.TopK).To(CPU);         // [B, T, K]
        var records = new List<SupervisionRecord>();
        for (var b = 0; b < sequences.Count; b++)
        {
            var rows = sequences[b].Count - 1;
            if (rows <= 0)
            {
                continue;
            }

            records.Add(new SupervisionRecord(version, [.. sequences[b]], promptLengths[b] - 1,
                features[b].narrow(0, 0, rows).clone().DetachFromDisposeScope(),
                new TeacherDistribution(teacher.LogProbs[b].narrow(0, 0, rows).clone().DetachFromDisposeScope(), teacher.Indices?[b].narrow(0, 0, rows).clone().DetachFromDisposeScope())));
        }

        return records;
    }

    /// <summary>Runs one no-grad policy forward over the sequences and returns their records.</summary>
    public static List<SupervisionRecord> FromSequences(PolicyModel policy, IReadOnlyList<IReadOnlyList<int>> sequences, IReadOnlyList<int> promptLengths,
        int padId, SupervisionOptions options, long version)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (ids, _) = PaddedBatch.Build(sequences, padId, policy.Device);
        using var output = policy.Forward(ids, captureLayers: options.Layers.ToArray());
        return FromForward(output, sequences, promptLengths, options, version);
    }
}
