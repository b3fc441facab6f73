using FluentAssertions;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Generation;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Tests.Generation;

public sealed class AutoregressiveGeneratorTests
{
    private static readonly TextTokenizer Tokenizer = TinyModels.Tokenizer;

    private static PolicyModel Model() => TinyModels.Policy();

    private static readonly IReadOnlyList<int>[] Prompts = TinyModels.Prompts;

    [Fact]
    public void Greedy_generation_equals_argmax_of_full_cache_free_forwards_for_ragged_prompts()
    {
        var model = Model();
        var sampler = new TokenSampler(0);
        var outputs = new AutoregressiveGenerator(model, Tokenizer).Generate(Prompts, new GenerationOptions(12, SamplingParams.Greedy), sampler);

        using var _ = no_grad();
        for (var b = 0; b < Prompts.Length; b++)
        {
            var sequence = Prompts[b].ToList();
            foreach (var token in outputs[b].Completion)
            {
                var logits = model.Forward(tensor(sequence.Select(t => (long)t).ToArray()).unsqueeze(0)).Logits[0, -1];
                token.Should().Be((int)logits.argmax().item<long>());
                sequence.Add(token);
            }
        }
    }

    [Fact]
    public void Sampled_completions_are_reproducible_and_carry_the_policy_log_probs_of_their_tokens()
    {
        var model = Model();
        var options = new GenerationOptions(10, new SamplingParams(0.8, TopK: 10));
        var s1 = new TokenSampler(5);
        var s2 = new TokenSampler(5);
        var generator = new AutoregressiveGenerator(model, Tokenizer);
        var first = generator.Generate(Prompts, options, s1);
        var second = generator.Generate(Prompts, options, s2);
        first.Select(o => o.Completion).Should().BeEquivalentTo(second.Select(o => o.Completion), o => o.WithStrictOrdering());

        using var _ = no_grad();
        for (var b = 0; b < Prompts.Length; b++)
        {
            var completion = first[b].Completion;
            var ids = tensor(Prompts[b].Concat(completion).Select(t => (long)t).ToArray()).unsqueeze(0);
            var logits = model.Forward(ids).Logits[0, (Prompts[b].Count - 1)..^1];                   // [C, V]
            var trained = LogitsProcessor.PolicyLogProbs(logits, options.EffectiveSampling.Temperature).gather(-1, tensor(completion.Select(t => (long)t).ToArray()).unsqueeze(-1)).squeeze(-1);
            var processed = LogitsProcessor.ToProbabilities(logits, options.EffectiveSampling)
                .gather(-1, tensor(completion.Select(t => (long)t).ToArray()).unsqueeze(-1)).squeeze(-1).log();
            for (var t = 0; t < completion.Count; t++)
            {
                first[b].LogProbs[t].Should().BeApproximately(trained[t].item<float>(), 1e-4f);
                first[b].ProcessedLogProbs[t].Should().BeApproximately(processed[t].item<float>(), 1e-4f);
            }
        }
    }
}
