using FluentAssertions;
using RlSpec.Policy.Sampling;
using RlSpec.Rollout.Speculative;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Tests.Speculative;

public sealed class RejectionSamplerTests
{
    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    /// <summary>
    /// Exact enumeration for one draft position: P(out = y) = Σ_x q(x)[a(x)·1{y=x} + (1 − a(x))·r(y)] must equal p(y),
    /// using the sampler's own acceptance probability a and recovery distribution r.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Accept_then_recover_reproduces_the_target_exactly_for_arbitrary_p_and_q(int seed)
    {
        const int vocab = 6;
        var p = RandomDistribution(seed, vocab, zeros: seed % 3);
        var q = RandomDistribution(seed + 100, vocab, zeros: (seed + 1) % 3);
        var output = zeros(vocab, ScalarType.Float64);
        for (var x = 0; x < vocab; x++)
        {
            if (q[x].item<double>() == 0)
            {
                continue; // never drafted
            }

            var a = RejectionSampler.AcceptProbability(p.unsqueeze(0), q.unsqueeze(0), tensor(new long[] { x })).item<double>();
            var r = RejectionSampler.RecoveryDistribution(p.unsqueeze(0), q.unsqueeze(0))[0];
            output = output.Plus(q[x] * r.Times(1 - a).Plus(nn.functional.one_hot(tensor((long)x), vocab).to_type(ScalarType.Float64).Times(a)));
        }

        (output - p).abs().max().item<double>().Should().BeLessThan(1e-12);
    }

    [Fact]
    public void Batched_sampling_emits_tokens_distributed_as_the_target_at_every_position()
    {
        // 200k independent rows, k = 2, contexts do not matter: first emitted token ~ p1, second (when a >= 1) ~ p2.
        const int rows = 200_000;
        const int vocab = 5;
        var p1 = RandomDistribution(11, vocab, 0).to_type(ScalarType.Float32);
        var p2 = RandomDistribution(12, vocab, 1).to_type(ScalarType.Float32);
        var p3 = RandomDistribution(13, vocab, 0).to_type(ScalarType.Float32);
        var q1 = RandomDistribution(14, vocab, 1).to_type(ScalarType.Float32);
        var q2 = RandomDistribution(15, vocab, 0).to_type(ScalarType.Float32);
        var sampler = new TokenSampler(99);
        var target = stack([p1, p2, p3]).unsqueeze(0).expand(rows, 3, vocab);
        var draft = stack([q1, q2]).unsqueeze(0).expand(rows, 2, vocab);
        var draftTokens = stack([sampler.Sample(q1.unsqueeze(0).expand(rows, vocab)), sampler.Sample(q2.unsqueeze(0).expand(rows, vocab))], 1);
        var result = RejectionSampler.Sample(target, draft, draftTokens, zeros(rows, ScalarType.Int64).Plus(2), sampler.Uniform([rows, 2], CPU), sampler.Sample);

        var first = where(result.Accepted > TensorArithmetic.Zero, draftTokens[.., 0], result.FinalToken);
        var secondRows = result.Accepted > TensorArithmetic.Zero;
        var second = where(result.Accepted > TensorArithmetic.One, draftTokens[.., 1], result.FinalToken)[secondRows];
        MaxSigma(first, p1).Should().BeLessThan(5, "first emitted token must follow p1");
        MaxSigma(second, p2).Should().BeLessThan(5, "second emitted token must follow p2");
    }

    [Theory]
    // target argmax per position 0..2 is [3, 1, 2] and the bonus position's argmax is 0.
    [InlineData(new long[] { 3, 1, 2 }, 3, 3, 0)]   // all accepted → bonus
    [InlineData(new long[] { 3, 1, 0 }, 3, 2, 2)]   // third rejected → target's choice
    [InlineData(new long[] { 0, 1, 2 }, 3, 0, 3)]   // first rejected
    [InlineData(new long[] { 3, 1, 4 }, 2, 2, 2)]   // only two proposed (ragged): both accepted → bonus from position 2
    [InlineData(new long[] { 0, 0, 0 }, 0, 0, 3)]   // nothing proposed → plain greedy step
    public void Greedy_verification_accepts_while_the_draft_equals_the_argmax(long[] drafts, int proposed, int accepted, long final)
    {
        var logits = tensor(new float[,] { { 0, 0, 0, 9, 0 }, { 0, 9, 0, 0, 0 }, { 0, 0, 9, 0, 0 }, { 9, 0, 0, 0, 0 } }).unsqueeze(0);
        var target = LogitsProcessor.ToProbabilities(logits.view(-1, 5), SamplingParams.Greedy).view(1, 4, 5);
        var draftTokens = tensor(drafts).unsqueeze(0);
        var draft = nn.functional.one_hot(draftTokens, 5).to_type(ScalarType.Float32);
        var sampler = new TokenSampler(0);
        var result = RejectionSampler.Sample(target, draft, draftTokens, tensor(new long[] { proposed }), sampler.Uniform([1, 3], CPU), sampler.Sample);

        result.Accepted.item<long>().Should().Be(accepted);
        result.FinalToken.item<long>().Should().Be(final);
    }

    /// <summary>Largest |empirical − expected| frequency in units of its binomial standard deviation.</summary>
    private static double MaxSigma(Tensor samples, Tensor expected)
    {
        var n = samples.shape[0];
        var freq = samples.bincount(null, expected.shape[0]).to_type(ScalarType.Float64).DividedBy(n);
        var p = expected.to_type(ScalarType.Float64);
        var sigma = (p * p.neg().Plus(1)).DividedBy(n).sqrt().ClampMin(1e-12);
        return ((freq - p).abs() / sigma).max().item<double>();
    }

    private static Tensor RandomDistribution(int seed, int vocab, int zeros)
    {
        using var g = new Generator((ulong)seed);
        var w = rand([vocab], ScalarType.Float64, generator: g).Plus(0.05);
        w[..zeros] = tensor(0.0, ScalarType.Float64);
        return w / w.sum();
    }
}
