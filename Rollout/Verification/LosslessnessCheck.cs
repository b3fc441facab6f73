using MathNet.Numerics.Distributions;
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
/// (independent seeds, every prompt in the same ragged continuous batch, one prompt ending exactly at the context
/// limit), then a chi-square homogeneity test per prompt at every position of the completion and on joint windows of
/// consecutive tokens spread over its length, with the TV of every position held to its family-wise noise bound;
/// greedy must match token for token. The speculative log-probs, trained and processed, are also checked against a
/// fresh policy forward on the same tokens.
/// </summary>
public sealed class LosslessnessCheck
{
    private const int Ended = -1;
    private const int RequestBlock = 32;

    /// <summary>Samples per prompt of a greedy case.</summary>
    public const int GreedySamples = 128;
    private readonly PolicyModel _policy;
    private readonly TextTokenizer _tokenizer;
    private readonly LosslessnessSettings _settings;
    private readonly IReadOnlyList<IReadOnlyList<int>> _prompts;

    /// <param name="prompts">Prompts to sample; one more is added that reaches the context limit exactly.</param>
    public LosslessnessCheck(PolicyModel policy, TextTokenizer tokenizer, IReadOnlyList<IReadOnlyList<int>> prompts, LosslessnessSettings settings)
    {
        (_policy, _tokenizer, _settings) = (policy, tokenizer, settings);
        _prompts = [.. prompts, AtContextLimit(prompts[0], policy.Config.MaxPositions - settings.Positions)];
    }

    /// <summary>The prompts sampled, the last of which ends at MaxPositions − Positions.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Prompts => _prompts;

    public LosslessnessCaseResult Run(LosslessnessCase c, IDrafter drafter, ulong seed)
    {
        var sampling = new SamplingParams(c.Temperature, c.TopK, c.TopP).Validated();
        var options = new GenerationOptions(_settings.Positions, sampling);
        // Greedy completions of a prompt are all equal: a few rows show identity as well as thousands.
        var (requests, promptOf) = Interleaved(sampling.IsGreedy ? Math.Min(c.Samples, GreedySamples) : c.Samples);
        var plain = new GenerationEngine(_policy, _tokenizer)
            .Generate(requests, options, new SpeculationOptions(0, Adaptive: false), _settings.Slots, new TokenSampler(seed)).Sequences;
        var speculative = new GenerationEngine(_policy, _tokenizer, drafter) { Bias = _settings.Bias }
            .Generate(requests, options, new SpeculationOptions(c.DraftTokens, c.Adaptive), _settings.Slots, new TokenSampler(seed + 7_919));

        var positionResults = new List<HomogeneityResult>();
        var windowResults = new List<HomogeneityResult>();
        var (trainedError, processedError) = (0.0, 0.0);
        bool? identical = sampling.IsGreedy ? true : null;
        for (var p = 0; p < _prompts.Count; p++)
        {
            var a = plain.Where((_, i) => promptOf[i] == p).ToList();
            var b = speculative.Sequences.Where((_, i) => promptOf[i] == p).ToList();
            for (var t = 0; t < _settings.Positions; t++)
            {
                positionResults.Add(HomogeneityTest.Compare(Histogram(a, s => At(s, t)), Histogram(b, s => At(s, t))));
            }

            for (var start = 0; start + _settings.WindowLength <= _settings.Positions; start += _settings.WindowEvery)
            {
                windowResults.Add(HomogeneityTest.Compare(Histogram(a, s => Window(s, start)), Histogram(b, s => Window(s, start))));
            }

            if (sampling.IsGreedy)
            {
                identical &= a.Concat(b).Select(s => string.Join(',', s.Completion)).Distinct().Count() == 1;
            }

            var (trained, processed) = LogprobErrors(_prompts[p], b.Take(_settings.LogprobSamples), sampling);
            (trainedError, processedError) = (Math.Max(trainedError, trained), Math.Max(processedError, processed));
        }

        var worst = positionResults.MaxBy(NoiseUnits)!;
        var all = positionResults.Concat(windowResults).ToList();
        var atLimit = speculative.Sequences.Where((s, i) => promptOf[i] == _prompts.Count - 1 && _prompts[^1].Count + s.Completion.Count == _policy.Config.MaxPositions).Count();
        return new LosslessnessCaseResult(c.Drafter, c.DraftTokens, c.Temperature, c.TopK, c.TopP, c.Samples, c.Adaptive,
            all.Min(r => r.PValue), worst.TotalVariation, TvNoiseBound: 0, NoiseUnits(worst), trainedError, processedError, Passed: false, all.Count, identical,
            speculative.Stats.AcceptanceLength, speculative.Stats.BonusFraction, atLimit, Checked: !sampling.IsGreedy || _settings.CheckGreedy)
        {
            WorstTvScale = worst.TvScale,
        };
    }

    /// <summary>Decides pass/fail for every case with Bonferroni thresholds over all tests of the run.</summary>
    public IReadOnlyList<LosslessnessCaseResult> Decide(IReadOnlyList<LosslessnessCaseResult> cases)
    {
        var threshold = Threshold(cases);
        var z = TvBoundInNoiseUnits(cases);
        return cases.Select(c => c with
        {
            TvNoiseBound = z * c.WorstTvScale,
            Passed = !c.Checked || c.MinPValue >= threshold && c.MaxTvInNoiseUnits <= z && c.LogprobMaxAbsErr <= _settings.LogprobTolerance
                && c.ProcessedLogprobMaxAbsErr <= _settings.LogprobTolerance && c.GreedyIdentical != false,
        }).ToList();
    }

    /// <summary>Per-test p-value threshold: the family-wise alpha split over every test of the run.</summary>
    public double Threshold(IReadOnlyList<LosslessnessCaseResult> cases) => _settings.FamilyAlpha / Math.Max(1, cases.Where(c => c.Checked).Sum(c => c.TestCount));

    /// <summary>
    /// The TV bound in noise units: if every category's frequency difference stays within z standard deviations, TV stays
    /// within z × TvScale, so z at α / (2 × tests × categories) bounds the whole run's false-alarm rate by α.
    /// </summary>
    public double TvBoundInNoiseUnits(IReadOnlyList<LosslessnessCaseResult> cases) =>
        Normal.InvCDF(0, 1, 1 - (Threshold(cases) / (2.0 * (_policy.Config.VocabSize + 1))));

    /// <summary>The smallest single-position probability shift a test of this run detects with 80 % power at <paramref name="samples"/>.</summary>
    public double DetectableShift(IReadOnlyList<LosslessnessCaseResult> cases, int samples) => HomogeneityTest.DetectableShift(samples, Threshold(cases));

    private static double NoiseUnits(HomogeneityResult r) => r.TvScale > 0 ? r.TotalVariation / r.TvScale : 0;

    /// <summary>Every prompt's samples in blocks, prompts alternating, so the slots always hold a mix of prompt lengths.</summary>
    private (List<GenerationRequest> Requests, List<int> PromptOf) Interleaved(int samples)
    {
        var (requests, promptOf) = (new List<GenerationRequest>(), new List<int>());
        for (var start = 0; start < samples; start += RequestBlock)
        {
            var block = Math.Min(RequestBlock, samples - start);
            for (var p = 0; p < _prompts.Count; p++)
            {
                requests.Add(new GenerationRequest(_prompts[p], block));
                promptOf.AddRange(Enumerable.Repeat(p, block));
            }
        }

        return (requests, promptOf);
    }

    private static IReadOnlyList<int> AtContextLimit(IReadOnlyList<int> prompt, int length)
    {
        var body = prompt.Count > 1 ? prompt.Skip(1).ToList() : [.. prompt];
        var tokens = new List<int>(prompt);
        for (var i = 0; tokens.Count < length; i++)
        {
            tokens.Add(body[i % body.Count]);
        }

        return tokens.Take(length).ToList();
    }

    private static int At(GeneratedSequence s, int t) => t < s.Completion.Count ? s.Completion[t] : Ended;

    private string Window(GeneratedSequence s, int start) => string.Join(',', Enumerable.Range(start, _settings.WindowLength).Select(t => At(s, t)));

    private static Dictionary<T, long> Histogram<T>(IEnumerable<GeneratedSequence> samples, Func<GeneratedSequence, T> key)
        where T : notnull => samples.GroupBy(key).ToDictionary(g => g.Key, g => (long)g.Count());

    private (double Trained, double Processed) LogprobErrors(IReadOnlyList<int> prompt, IEnumerable<GeneratedSequence> samples, SamplingParams sampling)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (trained, processed) = (0.0, 0.0);
        foreach (var s in samples.Where(s => s.Completion.Count > 0))
        {
            var ids = tensor(prompt.Concat(s.Completion).Select(t => (long)t).ToArray(), device: _policy.Device).unsqueeze(0);
            var logits = _policy.Forward(ids).Logits[0, (prompt.Count - 1)..^1];
            var targets = tensor(s.Completion.Select(t => (long)t).ToArray(), device: _policy.Device).unsqueeze(-1);
            var freshTrained = LogitsProcessor.PolicyLogProbs(logits, sampling.Temperature).gather(-1, targets).squeeze(-1).cpu();
            var freshProcessed = LogitsProcessor.ToProbabilities(logits, sampling).gather(-1, targets).squeeze(-1).log().cpu();
            trained = Math.Max(trained, (freshTrained - tensor(s.LogProbs.ToArray())).abs().max().item<float>());
            processed = Math.Max(processed, (freshProcessed - tensor(s.ProcessedLogProbs.ToArray())).abs().max().item<float>());
        }

        return (trained, processed);
    }
}
