using FluentAssertions;
using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Sampling;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Tests.Speculative;

public sealed class SupervisionRecorderTests
{
    /// <param name="draftTokens">0: a plain call (speculation.plain_every), which runs without the drafter, so the recorder's
    /// layers are captured for it alone.</param>
    [Theory]
    [InlineData(0, 3)]
    [InlineData(5, 3)]
    [InlineData(0, 0)]
    public void Rows_captured_during_prefill_and_verification_equal_a_fresh_forward_over_the_finished_sequences(int topK, int draftTokens)
    {
        var policy = TinyModels.Policy(layers: 4, scale: 2);
        manual_seed(3);
        var head = new EagleHead(policy.Config, EagleConfig.For(policy.Config));
        var options = new SupervisionOptions([1, 4], TopK: topK);
        using var buffer = new SupervisionBuffer(10_000);
        var generator = new SpeculativeGenerator(policy, TinyModels.Tokenizer, new EagleDrafter(policy, head))
        {
            Recorder = new SupervisionRecorder(options, buffer) { PolicyVersion = 5 },
        };
        var sampler = new TokenSampler(2);
        var result = generator.Generate(TinyModels.Prompts, new GenerationOptions(12, new SamplingParams(1.0)), new SpeculationOptions(draftTokens, Adaptive: false), sampler);

        var sequences = TinyModels.Prompts.Select((p, b) => (IReadOnlyList<int>)[.. p, .. result.Sequences[b].Completion]).ToList();
        var expected = SupervisionCapture.FromSequences(policy, sequences, TinyModels.Prompts.Select(p => p.Count).ToList(), 0, options, version: 5);
        buffer.Count.Should().Be(TinyModels.Prompts.Length);
        buffer.Rows.Should().Be(TinyModels.Prompts.Select((p, b) => p.Count - 1 + result.Sequences[b].Completion.Count).Sum(), "prompt rows come from the prefill, one row per completion token from verification");
        var all = buffer.Sample(new Random(0), 200);
        foreach (var want in expected)
        {
            var got = all.First(r => r.Tokens.SequenceEqual(want.Tokens));
            got.PolicyVersion.Should().Be(5);
            got.PromptRows.Should().Be(want.PromptRows);
            (got.Features - want.Features).abs().max().item<float>().Should().BeLessThan(1e-4f);
            (got.Teacher.LogProbs - want.Teacher.LogProbs).abs().max().item<float>().Should().BeLessThan(1e-4f);
            if (topK > 0)
            {
                got.Teacher.Indices!.shape.Should().Equal(want.Length, topK);
            }
        }

        generator.Recorder.Seconds.Should().BeGreaterThan(0);
    }
}
