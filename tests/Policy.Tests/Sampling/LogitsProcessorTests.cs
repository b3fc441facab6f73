using FluentAssertions;
using RlSpec.Policy.Sampling;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Policy.Tests.Sampling;

/// <summary>Exact checks against distributions worked out by hand in double precision.</summary>
public sealed class LogitsProcessorTests
{
    private static readonly float[] Logits = [2.0f, 1.0f, 0.5f, 0.0f, -1.0f, 3.0f];

    [Fact]
    public void Greedy_is_one_hot_on_the_argmax_with_ties_to_the_lowest_id()
    {
        var probs = Process(new float[] { 1f, 5f, 5f, 0f }, SamplingParams.Greedy);
        probs.Should().Equal(0, 1, 0, 0);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.6)]
    [InlineData(2.5)]
    public void Temperature_alone_is_softmax_of_scaled_logits(double temperature)
    {
        var expected = Softmax(Logits.Select(l => l / temperature).ToArray());
        Process(Logits, new SamplingParams(temperature)).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Top_k_keeps_the_k_largest_and_renormalises()
    {
        // top-3 of [2, 1, .5, 0, -1, 3] are ids 5, 0, 1.
        var kept = Softmax([2.0, 1.0, 3.0]);
        double[] expected = [kept[0], kept[1], 0, 0, 0, kept[2]];
        Process(Logits, new SamplingParams(1.0, TopK: 3)).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_prefix_whose_mass_reaches_p()
    {
        var full = Softmax(Logits.Select(l => (double)l).ToArray());
        // Sorted: id5 (.605), id0 (.222), id1 (.082), id2 (.050): mass before id1 is .827 < .85, before id2 is .909 >= .85.
        var keep = new[] { 5, 0, 1 };
        var mass = keep.Sum(i => full[i]);
        var expected = full.Select((p, i) => keep.Contains(i) ? p / mass : 0).ToArray();
        Process(Logits, new SamplingParams(1.0, TopP: 0.85)).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Temperature_then_top_k_then_top_p_compose_in_that_order()
    {
        var scaled = Logits.Select(l => l / 0.5).ToArray();
        var topK = new[] { 5, 0, 1, 2 };
        var afterK = Softmax(topK.Select(i => scaled[i]).ToArray());       // over ids 5, 0, 1, 2
        // afterK ≈ [.862, .117, .016, .006]: mass before id1 is .978 >= .95, so only ids 5 and 0 survive.
        var mass = afterK[0] + afterK[1];
        double[] expected = [afterK[1] / mass, 0, 0, 0, 0, afterK[0] / mass];
        Process(Logits, new SamplingParams(0.5, TopK: 4, TopP: 0.95)).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Theory]
    [InlineData(-0.1, 0, 1.0)]
    [InlineData(1.0, -1, 1.0)]
    [InlineData(1.0, 0, 0.0)]
    [InlineData(1.0, 0, 1.5)]
    public void Invalid_settings_are_refused(double temperature, int topK, double topP)
    {
        var act = () => new SamplingParams(temperature, topK, topP).Validated();
        act.Should().Throw<ArgumentException>();
    }

    internal static double[] Process(float[] logits, SamplingParams sampling) =>
        LogitsProcessor.ToProbabilities(tensor(logits).unsqueeze(0), sampling)[0].data<float>().ToArray().Select(x => (double)x).ToArray();

    private static double[] Softmax(double[] x)
    {
        var max = x.Max();
        var e = x.Select(v => Math.Exp(v - max)).ToArray();
        var sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}
