using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Speculative;

namespace RlSpec.Rollout.Generation;

/// <summary>
/// Plain KV-cached decoding: the <see cref="GenerationEngine"/> without a drafter, one policy forward per token.
/// The reference every speculative speedup is measured against.
/// </summary>
public sealed class AutoregressiveGenerator(PolicyModel model, TextTokenizer tokenizer)
{
    private static readonly SpeculationOptions Off = new(DraftTokens: 0, Adaptive: false);
    private readonly GenerationEngine _engine = new(model, tokenizer);

    /// <param name="slots">Sequences decoded together (0 = all prompts at once).</param>
    public IReadOnlyList<GeneratedSequence> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options, TokenSampler sampler, int slots = 0) =>
        _engine.Generate(prompts.Select(p => new GenerationRequest(p)).ToList(), options, Off, slots > 0 ? slots : Math.Max(1, prompts.Count), sampler).Sequences;
}
