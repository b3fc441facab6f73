using FluentAssertions;
using RlSpec.Policy.Sampling;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Policy.Tests.Sampling;

public sealed class TokenSamplerTests
{
    private static Tensor Probs() => LogitsProcessor.ToProbabilities(tensor(new float[] { 2f, 1f, 0.5f, 0f, -1f, 3f }).unsqueeze(0).expand(4000, 6), new SamplingParams(1.0, TopK: 4));

    [Fact]
    public void Same_seed_gives_the_same_tokens_and_another_seed_does_not()
    {
        var a = new TokenSampler(42);
        var b = new TokenSampler(42);
        var c = new TokenSampler(43);
        var probs = Probs();
        var first = a.Sample(probs);
        BitExact.Same(first, b.Sample(probs)).Should().BeTrue();
        BitExact.Same(first, c.Sample(probs)).Should().BeFalse();
    }

    [Fact]
    public void Draw_frequencies_converge_to_the_processed_distribution()
    {
        var sampler = new TokenSampler(7);
        var probs = Probs();
        var draws = cat(Enumerable.Range(0, 10).Select(_ => sampler.Sample(probs)).ToList());    // 40k draws
        var frequencies = draws.bincount(null, 6).to_type(ScalarType.Float64).DividedBy(draws.shape[0]);
        var expected = probs[0].to_type(ScalarType.Float64);
        // 40k draws: sampling noise per bin is at most sqrt(.25/40000) = .0025; 5 sigma.
        (frequencies - expected).abs().max().item<double>().Should().BeLessThan(0.0125);
        frequencies[3].item<double>().Should().Be(0, "top-k removed id 3");
        frequencies[4].item<double>().Should().Be(0, "top-k removed id 4");
    }
}
