using RlSpec.Drafter.Drafting;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Alignment;

/// <summary>
/// The policy's next-token log-probabilities at each row: the full distribution [T, V] when <see cref="Indices"/>
/// is null (small vocabularies), otherwise the top-k entries [T, K] and their token ids, which bounds memory for
/// large vocabularies at the price of ignoring the tail.
/// </summary>
public sealed record TeacherDistribution(Tensor LogProbs, Tensor? Indices) : IDisposable
{
    /// <summary>Keeps the full distribution when <paramref name="topK"/> is 0 or covers the vocabulary, else the top-k.</summary>
    /// <param name="logits">Raw policy logits [T, V].</param>
    public static TeacherDistribution From(Tensor logits, int topK)
    {
        var logProbs = logits.to_type(ScalarType.Float32).log_softmax(-1);
        if (topK <= 0 || topK >= logits.shape[^1])
        {
            return new TeacherDistribution(logProbs, null);
        }

        var (values, indices) = logProbs.topk(topK, dim: -1);
        return new TeacherDistribution(values, indices);
    }

    /// <summary>
    /// Forward KL from this distribution to <paramref name="student"/> log-probs [..., V], averaged over masked rows.
    /// A top-k teacher is renormalised over its k tokens, so the student is pulled toward the policy's head
    /// and left free on the tail nobody stored.
    /// </summary>
    public Tensor KlTo(Tensor student, Tensor mask) => Indices is null
        ? ForwardKl.MaskedMean(LogProbs, student, mask)
        : ForwardKl.MaskedMean(LogProbs - LogProbs.logsumexp(-1, keepdim: true), student.gather(-1, Indices), mask);

    public TeacherDistribution To(Device device) => new(LogProbs.to(device), Indices?.to(device));

    public TeacherDistribution Rows(long start, long length) => new(LogProbs.narrow(0, start, length), Indices?.narrow(0, start, length));

    public void Dispose()
    {
        LogProbs.Dispose();
        Indices?.Dispose();
    }
}
