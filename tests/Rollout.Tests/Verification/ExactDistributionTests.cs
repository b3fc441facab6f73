using FluentAssertions;
using MathNet.Numerics.Distributions;
using RlSpec.Drafter.Drafting;
using RlSpec.Drafter.DraftModel;
using RlSpec.Drafter.NGram;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Tests.Verification;

/// <summary>
/// The speculative engine's output against the policy's exact distribution: on a small vocabulary the probability of
/// every 3-token completion is enumerated from policy forwards, and a large speculative sample must fit it (chi-square
/// goodness of fit). A planted bug must not.
/// </summary>
public sealed class ExactDistributionTests
{
    private const int Length = 3;
    private const int Samples = 60_000;
    private static readonly PolicyModel Policy = TinyModels.Policy(seed: 17, scale: 3);
    private static readonly IReadOnlyList<int> Prompt = [1, 5, 6];
    private static readonly SamplingParams Sampling = new(0.9, TopK: 12);
    private static readonly Dictionary<string, double> Exact = Enumerate();

    public static TheoryData<string, int> Cases => new() { { "draft-model", 2 }, { "ngram", 3 }, { "self", 2 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Speculative_completions_follow_the_exact_policy_distribution(string drafter, int k) =>
        PValue(drafter, k, PlantedBias.None, honest: true).Should().BeGreaterThan(1e-4);

    [Theory]
    [InlineData("draft-model", PlantedBias.ResidualFromTarget)]
    [InlineData("draft-model", PlantedBias.AcceptOffByOne)]
    [InlineData("self", PlantedBias.BonusFromDraft)]
    [InlineData("draft-model", PlantedBias.DraftTemperature)]
    public void A_planted_bias_is_rejected(string drafter, PlantedBias bias) =>
        PValue(drafter, 2, bias).Should().BeLessThan(1e-6);

    /// <returns>The goodness-of-fit p-value; 0 when a completion the policy gives probability 0 was drawn.</returns>
    private static double PValue(string drafter, int k, PlantedBias bias, bool honest = false)
    {
        var engine = new GenerationEngine(Policy, TinyModels.Tokenizer, Make(drafter)) { Bias = bias };
        var result = engine.Generate([new GenerationRequest(Prompt, Samples)], new GenerationOptions(Length, Sampling), new SpeculationOptions(k), 1024, new TokenSampler(3));
        result.Stats.Proposed.Should().BeGreaterThan(Samples / 5, "the test is about speculative steps");
        var observed = result.Sequences.GroupBy(s => Key(s.Completion)).ToDictionary(g => g.Key, g => (double)g.Count());
        if (!observed.Keys.All(Exact.ContainsKey))
        {
            honest.Should().BeFalse("the honest sampler never draws a completion the policy cannot produce");
            return 0;
        }

        // Pearson's chi-square, pooling cells whose expected count is under 5.
        var (chi, cells, pooledExpected, pooledObserved) = (0.0, 0, 0.0, 0.0);
        foreach (var (key, p) in Exact)
        {
            var (expected, seen) = (p * Samples, observed.GetValueOrDefault(key));
            if (expected < 5)
            {
                (pooledExpected, pooledObserved) = (pooledExpected + expected, pooledObserved + seen);
                continue;
            }

            chi += (seen - expected) * (seen - expected) / expected;
            cells++;
        }

        if (pooledExpected > 0)
        {
            chi += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
            cells++;
        }

        return 1 - ChiSquared.CDF(cells - 1, chi);
    }

    private static IDrafter Make(string name) => name switch
    {
        "ngram" => new NGramDrafter(),
        "self" => new DraftModelDrafter(Policy, TinyModels.Tokenizer.Special.Pad),
        _ => new DraftModelDrafter(TinyModels.Policy(seed: 5, layers: 1, scale: 3), TinyModels.Tokenizer.Special.Pad),
    };

    private static string Key(IReadOnlyList<int> completion) => string.Join(',', completion);

    /// <summary>Probability of every completion of up to <see cref="Length"/> tokens (shorter when it ends in EOS), by enumeration.</summary>
    private static Dictionary<string, double> Enumerate()
    {
        using var _ = no_grad();
        var exact = new Dictionary<string, double>();
        var frontier = new List<(List<int> Tokens, double P)> { ([], 1.0) };
        for (var t = 0; t < Length; t++)
        {
            var next = new List<(List<int> Tokens, double P)>();
            var ids = tensor(frontier.SelectMany(f => Prompt.Concat(f.Tokens)).Select(x => (long)x).ToArray()).view(frontier.Count, -1);
            var probs = LogitsProcessor.ToProbabilities(Policy.Forward(ids).Logits[.., -1], Sampling).to_type(ScalarType.Float64).data<double>().ToArray();
            var vocab = probs.Length / frontier.Count;
            for (var f = 0; f < frontier.Count; f++)
            {
                for (var v = 0; v < vocab; v++)
                {
                    var p = frontier[f].P * probs[(f * vocab) + v];
                    if (p == 0)
                    {
                        continue;
                    }

                    List<int> tokens = [.. frontier[f].Tokens, v];
                    if (v == TinyModels.Tokenizer.Special.Eos || t + 1 == Length)
                    {
                        exact[Key(tokens)] = p;
                    }
                    else
                    {
                        next.Add((tokens, p));
                    }
                }
            }

            frontier = next;
        }

        return exact;
    }
}
