using FluentAssertions;
using RlSpec.Drafter.Chunk;
using RlSpec.Drafter.Drafting;
using RlSpec.Drafter.DraftModel;
using RlSpec.Drafter.Eagle;
using RlSpec.Drafter.Mtp;
using RlSpec.Drafter.NGram;
using RlSpec.Drafter.RandomTokens;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Tests.Speculative;

public sealed class SpeculativeGeneratorTests
{
    // Random MTP heads do not change the policy's outputs; they make the mtp drafter available.
    private static readonly PolicyModel Policy = MtpAttach.WithHeads(TinyModels.Policy(), 3, seed: 2);

    public static TheoryData<string, int, bool> Drafters => new()
    {
        { "ngram", 3, false }, { "random", 4, false }, { "draft-model", 2, false }, { "draft-model", 4, true }, { "ngram", 5, true },
        { "mtp", 3, false }, { "mtp", 4, true }, { "eagle", 4, false }, { "eagle", 2, true }, { "chunk", 4, false }, { "chunk", 3, true },
    };

    private static readonly EagleHead Eagle = NewEagle();

    private static readonly EagleHead Chunk = NewEagle(chunk: true);

    private static EagleHead NewEagle(bool chunk = false)
    {
        manual_seed(8);
        var head = new EagleHead(Policy.Config, EagleConfig.For(Policy.Config, chunk));
        head.eval();
        return head;
    }

    private static IDrafter Make(string name) => name switch
    {
        "ngram" => new NGramDrafter(),
        "random" => new RandomDrafter(23),
        "mtp" => new MtpDrafter(Policy),
        "eagle" => new EagleDrafter(Policy, Eagle),
        "chunk" => new ChunkDrafter(Policy, Chunk),
        _ => new DraftModelDrafter(TinyModels.Policy(seed: 5, layers: 1), TinyModels.Tokenizer.Special.Pad),
    };

    [Theory]
    [MemberData(nameof(Drafters))]
    public void Greedy_speculative_output_is_token_for_token_the_plain_greedy_output(string drafter, int k, bool adaptive)
    {
        var options = new GenerationOptions(20, SamplingParams.Greedy);
        var s1 = new TokenSampler(1);
        var s2 = new TokenSampler(2);
        var plain = new AutoregressiveGenerator(Policy, TinyModels.Tokenizer).Generate(TinyModels.Prompts, options, s1);
        var spec = new SpeculativeGenerator(Policy, TinyModels.Tokenizer, Make(drafter)).Generate(TinyModels.Prompts, options, new SpeculationOptions(k, adaptive), s2);

        for (var b = 0; b < TinyModels.Prompts.Length; b++)
        {
            spec.Sequences[b].Completion.Should().Equal(plain[b].Completion, $"row {b}");
            spec.Sequences[b].Finish.Should().Be(plain[b].Finish);
            spec.Sequences[b].LogProbs.Zip(plain[b].LogProbs).Should().OnlyContain(x => Math.Abs(x.First - x.Second) < 1e-4);
        }

        spec.Stats.Emitted.Should().Be(plain.Sum(p => p.Completion.Count));
    }

    [Theory]
    [MemberData(nameof(Drafters))]
    public void Sampled_speculative_log_probs_are_the_policy_log_probs_of_the_emitted_tokens(string drafter, int k, bool adaptive)
    {
        var options = new GenerationOptions(16, new SamplingParams(0.9, TopP: 0.95));
        var sampler = new TokenSampler(3);
        var spec = new SpeculativeGenerator(Policy, TinyModels.Tokenizer, Make(drafter)).Generate(TinyModels.Prompts, options, new SpeculationOptions(k, adaptive), sampler);

        using var _ = no_grad();
        for (var b = 0; b < TinyModels.Prompts.Length; b++)
        {
            var prompt = TinyModels.Prompts[b];
            var completion = spec.Sequences[b].Completion;
            completion.Should().NotBeEmpty();
            var ids = tensor(prompt.Concat(completion).Select(t => (long)t).ToArray()).unsqueeze(0);
            var logits = Policy.Forward(ids).Logits[0, (prompt.Count - 1)..^1];
            var targets = tensor(completion.Select(t => (long)t).ToArray());
            var trained = LogitsProcessor.PolicyLogProbs(logits, options.EffectiveSampling.Temperature).gather(-1, targets.unsqueeze(-1)).squeeze(-1).data<float>().ToArray();
            var processed = LogitsProcessor.ToProbabilities(logits, options.EffectiveSampling).gather(-1, targets.unsqueeze(-1)).squeeze(-1).log().data<float>().ToArray();
            spec.Sequences[b].LogProbs.Zip(trained).Should().OnlyContain(x => Math.Abs(x.First - x.Second) < 1e-4);
            spec.Sequences[b].ProcessedLogProbs.Zip(processed).Should().OnlyContain(x => Math.Abs(x.First - x.Second) < 1e-4);
            processed.Should().OnlyContain(x => !float.IsNegativeInfinity(x), "every emitted token must be possible under top-p");
        }
    }

    [Fact]
    public void A_drafter_identical_to_the_policy_has_every_draft_accepted_with_ragged_rows()
    {
        var drafter = new DraftModelDrafter(Policy, TinyModels.Tokenizer.Special.Pad);
        var sampler = new TokenSampler(4);
        var spec = new SpeculativeGenerator(Policy, TinyModels.Tokenizer, drafter)
            .Generate(TinyModels.Prompts, new GenerationOptions(24, new SamplingParams(1.0)), new SpeculationOptions(3, Adaptive: false), sampler);

        // p == q up to float rounding, so min(1, p/q) rounds to 1 or within 1e-6 of it.
        spec.Stats.AcceptanceRate.Should().BeGreaterThan(0.99);
        spec.Stats.AcceptanceLength.Should().BeGreaterThan(3.0);
        spec.Stats.AcceptedAtPosition.Should().HaveCount(3);
    }

    [Fact]
    public void Many_rows_finishing_with_unemitted_accepted_drafts_stay_within_the_cache()
    {
        // Regression: a row that hits its budget mid-step used to keep its extra drafts and then grow every step.
        var policy = WeightInit.NewPolicy(new PolicyConfig(23, HiddenSize: 32, NumLayers: 2, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 48), 1234, 0.1);
        var draft = WeightInit.NewPolicy(new PolicyConfig(23, HiddenSize: 32, NumLayers: 1, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 48), 1251, 0.1);
        IReadOnlyList<int> prompt = [1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
        var sampler = new TokenSampler(9);
        var result = new SpeculativeGenerator(policy, TinyModels.Tokenizer, new DraftModelDrafter(draft, 0))
            .Generate(Enumerable.Repeat(prompt, 256).ToList(), new GenerationOptions(6, new SamplingParams(1.0)), new SpeculationOptions(4, Adaptive: false), sampler);
        result.Sequences.Should().OnlyContain(s => s.Completion.Count >= 1 && s.Completion.Count <= 6);
    }

    [Fact]
    public void Hidden_state_drafters_draft_from_the_prefill_except_for_one_token_prompts()
    {
        var sampler = new TokenSampler(6);
        var result = new SpeculativeGenerator(Policy, TinyModels.Tokenizer, new MtpDrafter(Policy))
            .Generate(TinyModels.Prompts, new GenerationOptions(8, new SamplingParams(1.0)), new SpeculationOptions(3, Adaptive: false), sampler);

        var firstStep = result.VerifySteps.Select(s => s[0].Proposed).ToList();
        firstStep.Should().Equal(TinyModels.Prompts.Select(p => p.Count > 1 ? 3 : 0), "prompts with a prefill position draft at once; the one-token prompt has none yet");
    }

    [Fact]
    public void A_row_drafts_no_more_than_its_token_budget_can_still_take()
    {
        var sampler = new TokenSampler(6);
        var result = new SpeculativeGenerator(Policy, TinyModels.Tokenizer, new MtpDrafter(Policy))
            .Generate(TinyModels.Prompts, new GenerationOptions(1, new SamplingParams(1.0)), new SpeculationOptions(3, Adaptive: false), sampler);

        result.Stats.Steps.Should().Be(1);
        result.Stats.Proposed.Should().Be(0, "a one-token budget is filled by the verify step's own token");
    }

    [Fact]
    public void Completions_respect_the_token_budget_and_stop_at_eos()
    {
        var sampler = new TokenSampler(5);
        var spec = new SpeculativeGenerator(Policy, TinyModels.Tokenizer, new RandomDrafter(23))
            .Generate(TinyModels.Prompts, new GenerationOptions(7, new SamplingParams(1.0)), new SpeculationOptions(4, Adaptive: false), sampler);
        foreach (var s in spec.Sequences)
        {
            s.Completion.Count.Should().BeLessThanOrEqualTo(7);
            if (s.Finish == FinishReason.Eos)
            {
                s.Completion[^1].Should().Be(TinyModels.Tokenizer.Special.Eos);
                s.Completion.SkipLast(1).Should().NotContain(TinyModels.Tokenizer.Special.Eos);
            }
            else
            {
                s.Completion.Should().HaveCount(7);
            }
        }
    }
}
