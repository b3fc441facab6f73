using FluentAssertions;
using RlSpec.Policy.Model;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Policy.Tests.Model;

public sealed class TrainingForwardTests
{
    [Fact]
    public void Token_log_probs_carry_gradients_and_match_the_cached_inference_path()
    {
        var model = TinyPolicies.Create();
        var tokens = TinyPolicies.Tokens(12, 2, 8);
        var inputs = tokens[.., ..7];
        var targets = tokens[.., 1..];

        var logProbs = PolicyModel.TokenLogProbs(model.Forward(inputs).Logits, targets);   // [2, 7]
        logProbs.sum().backward();
        model.parameters().Should().OnlyContain(p => !ReferenceEquals(p.grad, null) && p.grad!.abs().sum().item<float>() > 0);

        using var _ = no_grad();
        using var cache = model.NewCache(2, 8);
        var cached = PolicyModel.TokenLogProbs(model.Forward(inputs, cache).Logits, targets);
        KvCacheEquivalenceTests.MaxDiff(logProbs.detach(), cached).Should().BeLessThan(1e-4);
        (logProbs.detach() <= TensorArithmetic.Zero).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Captured_hidden_states_have_the_residual_shape_and_layer_zero_is_the_embedding()
    {
        using var _ = no_grad();
        var model = TinyPolicies.Create();
        var tokens = TinyPolicies.Tokens(13, 2, 5);
        var output = model.Forward(tokens, captureLayers: [0, 1, 2]);

        output.Hidden.Keys.Should().BeEquivalentTo([0, 1, 2]);
        output.Hidden.Values.Should().OnlyContain(h => h.shape.SequenceEqual(new long[] { 2, 5, 32 }));
        KvCacheEquivalenceTests.MaxDiff(output.Hidden[0], model.EmbeddingWeight[tokens]).Should().Be(0);
        KvCacheEquivalenceTests.MaxDiff(output.Hidden[1], output.Hidden[2]).Should().BeGreaterThan(0);
    }

    [Fact]
    public void Same_seed_builds_the_same_weights()
    {
        var a = WeightInit.NewPolicy(TinyPolicies.Config(), 3).state_dict();
        var b = WeightInit.NewPolicy(TinyPolicies.Config(), 3).state_dict();
        a.Keys.Should().BeEquivalentTo(b.Keys);
        a.Should().OnlyContain(kv => BitExact.Same(kv.Value, b[kv.Key]));
    }

    [Fact]
    public void Invalid_shapes_are_refused_naming_the_field()
    {
        var act = () => new PolicyModel(TinyPolicies.Config() with { NumKvHeads = 3 });
        act.Should().Throw<ArgumentException>().WithMessage("*NumKvHeads*");
    }
}
