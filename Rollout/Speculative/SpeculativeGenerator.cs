using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Generation;

namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Lossless speculative decoding of a list of prompts: the <see cref="GenerationEngine"/> with a drafter, one sample
/// per prompt. Log-probs handed back are the policy's, from the verification forward: under the trained distribution
/// (logits / temperature) for importance ratios, and under the processed distribution actually sampled.
/// </summary>
public sealed class SpeculativeGenerator(PolicyModel model, TextTokenizer tokenizer, IDrafter drafter)
{
    private readonly GenerationEngine _engine = new(model, tokenizer, drafter);

    public IDrafter Drafter => drafter;

    public GenerationEngine Engine => _engine;

    /// <summary>When set, every batch's committed positions are captured for drafter alignment.</summary>
    public SupervisionRecorder? Recorder
    {
        get => _engine.Recorder;
        set => _engine.Recorder = value;
    }

    /// <param name="slots">Sequences decoded together (0 = all prompts at once).</param>
    public GenerationResult Generate(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options, SpeculationOptions speculation, TokenSampler sampler, int slots = 0) =>
        _engine.Generate(prompts.Select(p => new GenerationRequest(p)).ToList(), options, speculation, slots > 0 ? slots : Math.Max(1, prompts.Count), sampler);
}
