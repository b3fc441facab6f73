using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Verification;

/// <summary>
/// Statistical proof of losslessness: many completions of the same prompts sampled plainly and speculatively
/// (independent seeds), then a chi-square homogeneity test per prompt at each early position and on the joint
/// distribution of the first few tokens; greedy must match token for token. The speculative log-probs are
/// also checked against a fresh policy forward on the same tokens.
/// </summary>
public sealed class LosslessnessCheck(PolicyModel policy, TextTokenizer tokenizer, IReadOnlyList<IReadOnlyList<int>> prompts, LosslessnessSettings settings)
{
    private const int Ended = -1;

    public LosslessnessCaseResult Run(LosslessnessCase c, IDrafter drafter, ulong seed)
    {
        var sampling = new SamplingParams(c.Temperature, c.TopK, c.TopP).Validated();
        var options = new GenerationOptions(settings.Positions, sampling);
        var plain = new AutoregressiveGenerator(policy, tokenizer);
        var speculative = new SpeculativeGenerator(policy, tokenizer, drafter);
        var speculation = new SpeculationOptions(c.DraftTokens, settings.Adaptive);
        var plainSampler = new TokenSampler(seed);
        var specSampler = new TokenSampler(seed + 7_919);

        var positionResults = new List<HomogeneityResult>();
        var prefixResults = new List<HomogeneityResult>();
        var logprobError = 0.0;
        var emitted = 0L;
        var rowSteps = 0L;
        bool? identical = sampling.IsGreedy ? true : null;
        foreach (var prompt in prompts)
        {
            var a = Collect(prompt, c.Samples, rows => plain.Generate(rows, options, plainSampler));
            var b = Collect(prompt, c.Samples, rows =>
            {
                var r = speculative.Generate(rows, options, speculation, specSampler);
                emitted += r.Stats.Emitted;
                rowSteps += r.Stats.RowSteps;
                return r.Sequences;
            });
            for (var t = 0; t < settings.Positions; t++)
            {
                positionResults.Add(HomogeneityTest.Compare(Histogram(a, s => At(s, t)), Histogram(b, s => At(s, t))));
            }

            prefixResults.Add(HomogeneityTest.Compare(Histogram(a, Prefix), Histogram(b, Prefix)));
            if (sampling.IsGreedy)
            {
                identical &= a.Concat(b).Select(s => string.Join(',', s.Completion)).Distinct().Count() == 1;
            }

            logprobError = Math.Max(logprobError, LogprobError(prompt, b.Take(settings.LogprobSamples)));
        }

        // TV is reported on single positions: the joint prefix spreads over so many values that its TV is mostly noise.
        var worst = positionResults.MaxBy(r => r.TotalVariation)!;
        var all = positionResults.Concat(prefixResults).ToList();
        return new LosslessnessCaseResult(c.Drafter, c.DraftTokens, c.Temperature, c.TopK, c.TopP, c.Samples,
            all.Min(r => r.PValue), worst.TotalVariation, worst.TvNoiseBound, logprobError, Passed: false, all.Count, identical,
            rowSteps == 0 ? 0 : (double)emitted / rowSteps);
    }

    /// <summary>Decides pass/fail for every case with a Bonferroni threshold over all tests of the run.</summary>
    public IReadOnlyList<LosslessnessCaseResult> Decide(IReadOnlyList<LosslessnessCaseResult> cases)
    {
        var threshold = Threshold(cases);
        return cases.Select(c => c with
        {
            Passed = c.MinPValue >= threshold && c.LogprobMaxAbsErr <= settings.LogprobTolerance && c.GreedyIdentical != false,
        }).ToList();
    }

    /// <summary>Per-test p-value threshold: the family-wise alpha split over every test of the run.</summary>
    public double Threshold(IReadOnlyList<LosslessnessCaseResult> cases) => settings.FamilyAlpha / Math.Max(1, cases.Sum(c => c.TestCount));

    private List<GeneratedSequence> Collect(IReadOnlyList<int> prompt, int samples, Func<IReadOnlyList<IReadOnlyList<int>>, IReadOnlyList<GeneratedSequence>> generate)
    {
        var all = new List<GeneratedSequence>();
        while (all.Count < samples)
        {
            var rows = Enumerable.Repeat(prompt, Math.Min(settings.ChunkSize, samples - all.Count)).ToList();
            all.AddRange(generate(rows));
        }

        return all;
    }

    private static int At(GeneratedSequence s, int t) => t < s.Completion.Count ? s.Completion[t] : Ended;

    private string Prefix(GeneratedSequence s) => string.Join(',', Enumerable.Range(0, settings.SequenceLength).Select(t => At(s, t)));

    private static Dictionary<T, long> Histogram<T>(IEnumerable<GeneratedSequence> samples, Func<GeneratedSequence, T> key)
        where T : notnull => samples.GroupBy(key).ToDictionary(g => g.Key, g => (long)g.Count());

    private double LogprobError(IReadOnlyList<int> prompt, IEnumerable<GeneratedSequence> samples)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var worst = 0.0;
        foreach (var s in samples.Where(s => s.Completion.Count > 0))
        {
            var ids = tensor(prompt.Concat(s.Completion).Select(t => (long)t).ToArray(), device: policy.Device).unsqueeze(0);
            var logits = policy.Forward(ids).Logits[0, (prompt.Count - 1)..^1];
            var fresh = PolicyModel.TokenLogProbs(logits, tensor(s.Completion.Select(t => (long)t).ToArray(), device: policy.Device));
            var diff = (fresh.cpu() - tensor(s.LogProbs.ToArray())).abs().max().item<float>();
            worst = Math.Max(worst, diff);
        }

        return worst;
    }
}
