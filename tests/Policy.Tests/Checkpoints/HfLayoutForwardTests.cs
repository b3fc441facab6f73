using System.Text.Json.Nodes;
using FluentAssertions;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Policy.Tests.Checkpoints;

/// <summary>
/// Tiny Qwen3 and Llama 3 checkpoints in Hugging Face's layout load, and their forward pass equals a direct,
/// step-by-step float64 computation of the published equations from the stored tensors: RMSNorm, per-head q/k RMSNorm
/// (Qwen3), rotary embedding with Llama 3's frequency scaling, grouped-query attention with each query head reading KV
/// head h / (heads / kv_heads), SwiGLU, tied or untied LM head.
/// </summary>
public sealed class HfLayoutForwardTests : IDisposable
{
    private static readonly long[] Ids = [5, 17, 96, 40, 2, 77, 3, 60, 11, 94, 1, 23, 88, 50, 31, 7, 64, 12, 9, 70];
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-hf-").FullName;

    public static TheoryData<string> Architectures => new() { "qwen3", "llama3" };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_forward_pass_equals_the_equations_computed_step_by_step(string architecture)
    {
        var config = Config(architecture);
        var stored = HfLayoutCheckpoints.Write(_dir, config);

        var (model, _) = PolicyCheckpoint.Load(_dir, CPU);
        using var output = model.Forward(tensor(Ids).unsqueeze(0));
        var expected = Reference(config, stored, Ids);

        var actual = output.Logits[0].to_type(ScalarType.Float64);
        var error = (actual - expected).abs().max().item<double>();
        var scale = expected.abs().max().item<double>();
        scale.Should().BeGreaterThan(1.0, "logits must be large enough for the comparison to mean something");
        error.Should().BeLessThan(2e-4 * scale, $"{architecture}: float32 forward vs float64 reference (max |logit| {scale:F2})");
    }

    [Fact]
    public void Llama3_rope_scaling_keeps_high_frequencies_stretches_low_ones_and_blends_between()
    {
        var scaling = new RopeScaling(Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositions: 64);
        var inverse = Enumerable.Range(0, 8).Select(i => Math.Pow(500000.0, -2.0 * i / 16)).ToArray();
        var scaled = inverse.Select(scaling.Scale).ToArray();
        var reference = ScaledInverseFrequencies(Llama3Scaling(Config("llama3")), 16, 500000.0).data<double>().ToArray();

        scaled.Should().Equal(reference, (a, b) => Math.Abs(a - b) <= 1e-15 * Math.Abs(b));
        scaled[0].Should().Be(inverse[0], "a wavelength under original/high_freq_factor is kept");
        scaled[1].Should().BeInRange(inverse[1] / 8, inverse[1]).And.NotBe(inverse[1], "a wavelength between the thresholds is blended");
        scaled[2..].Should().Equal(inverse[2..].Select(f => f / 8), "a wavelength over original/low_freq_factor is divided by the factor");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Loaded_in_bfloat16_the_parameters_are_the_stored_bits_and_cached_decoding_matches_the_full_forward(string architecture)
    {
        var stored = HfLayoutCheckpoints.Write(_dir, Config(architecture));

        var (model, _) = PolicyCheckpoint.Load(_dir, CPU, ScalarType.BFloat16);
        model.DType.Should().Be(ScalarType.BFloat16);
        foreach (var (name, parameter) in model.state_dict())
        {
            BitExact.Same(parameter, stored[name]).Should().BeTrue($"{name} is read straight from the file");
        }

        var ids = tensor(Ids).unsqueeze(0);
        using var full = model.Forward(ids);
        full.Logits.dtype.Should().Be(ScalarType.Float32, "logits are cast to float32 for sampling");
        using var cache = model.NewCache(1, 32);
        using var prefill = model.Forward(ids.narrow(1, 0, 12), cache);
        var steps = Enumerable.Range(12, Ids.Length - 12).Select(t => model.Forward(ids.narrow(1, t, 1), cache).Logits[0, 0]).ToList();
        var cached = cat([prefill.Logits[0], stack(steps)], 0);

        var (float32, _) = PolicyCheckpoint.Load(_dir, CPU);
        using var exact = float32.Forward(ids);
        var scale = exact.Logits.abs().max().item<float>();
        (cached - full.Logits[0]).abs().max().item<float>().Should().BeLessThan(0.05f * scale, "bf16 cached decoding follows the bf16 full forward");
        (full.Logits - exact.Logits).abs().max().item<float>().Should().BeLessThan(0.1f * scale, "bf16 stays close to float32 on the same weights");
    }

    private static JsonObject Config(string architecture) => architecture == "qwen3" ? HfLayoutCheckpoints.Qwen3Config() : HfLayoutCheckpoints.Llama3Config();

    /// <summary>Logits [T, V] in float64, written out from the equations rather than through any RlSpec module.</summary>
    private static Tensor Reference(JsonObject config, Dictionary<string, Tensor> stored, long[] ids)
    {
        int Int(string key) => config[key]!.GetValue<int>();
        Tensor W(string name) => stored[name].to_type(ScalarType.Float64);
        var (heads, kvHeads, headDim, eps) = (Int("num_attention_heads"), Int("num_key_value_heads"), Int("head_dim"), config["rms_norm_eps"]!.GetValue<double>());
        var qwen3 = config["model_type"]!.GetValue<string>() == "qwen3";
        var time = ids.Length;

        Tensor Rms(Tensor x, Tensor weight) => x / (x * x).mean([-1], keepdim: true).Plus(eps).sqrt() * weight;

        var inverse = ScaledInverseFrequencies(Llama3Scaling(config), headDim, config["rope_theta"]!.GetValue<double>());
        var angles = TensorArithmetic.Arange(time, dtype: ScalarType.Float64).unsqueeze(1) * inverse.unsqueeze(0);   // [T, D/2]
        var (cos, sin) = (cat([angles, angles], 1).cos(), cat([angles, angles], 1).sin());   // [T, D]
        Tensor Rotate(Tensor x) => (x * cos).Plus(cat([-x[.., (headDim / 2)..], x[.., ..(headDim / 2)]], 1) * sin);
        var causal = ones(time, time, ScalarType.Bool).tril();
        using var minusInfinity = double.NegativeInfinity.ToScalar();

        var x = W("model.embed_tokens.weight")[tensor(ids)];                                  // [T, hidden]
        for (var layer = 0; layer < Int("num_hidden_layers"); layer++)
        {
            var p = $"model.layers.{layer}.";
            var h = Rms(x, W(p + "input_layernorm.weight"));
            var q = h.matmul(W(p + "self_attn.q_proj.weight").t());                             // [T, H*D]
            var k = h.matmul(W(p + "self_attn.k_proj.weight").t());                             // [T, KV*D]
            var v = h.matmul(W(p + "self_attn.v_proj.weight").t());
            var outputs = new List<Tensor>();
            for (var head = 0; head < heads; head++)
            {
                var group = head / (heads / kvHeads);
                var qh = q[.., (head * headDim)..((head + 1) * headDim)];
                var kh = k[.., (group * headDim)..((group + 1) * headDim)];
                if (qwen3)
                {
                    qh = Rms(qh, W(p + "self_attn.q_norm.weight"));
                    kh = Rms(kh, W(p + "self_attn.k_norm.weight"));
                }

                var scores = Rotate(qh).matmul(Rotate(kh).t()).DividedBy(Math.Sqrt(headDim));                 // [T, T]
                var weights = scores.masked_fill(causal.logical_not(), minusInfinity).softmax(-1);
                outputs.Add(weights.matmul(v[.., (group * headDim)..((group + 1) * headDim)]));
            }

            x = x.Plus(cat(outputs, 1).matmul(W(p + "self_attn.o_proj.weight").t()));
            var m = Rms(x, W(p + "post_attention_layernorm.weight"));
            var gate = m.matmul(W(p + "mlp.gate_proj.weight").t());
            x = x.Plus((gate * gate.sigmoid() * m.matmul(W(p + "mlp.up_proj.weight").t())).matmul(W(p + "mlp.down_proj.weight").t()));
        }

        var head_ = stored.ContainsKey("lm_head.weight") ? W("lm_head.weight") : W("model.embed_tokens.weight");
        return Rms(x, W("model.norm.weight")).matmul(head_.t());
    }

    private static JsonObject? Llama3Scaling(JsonObject config) => config["rope_scaling"] as JsonObject;

    /// <summary>HF's default inverse frequencies and, when configured, its llama3 rescaling, in tensor form as HF writes it.</summary>
    private static Tensor ScaledInverseFrequencies(JsonObject? scaling, int headDim, double theta)
    {
        var inverse = pow(theta, TensorArithmetic.Arange(headDim / 2, dtype: ScalarType.Float64).Times(2).DividedBy(headDim)).reciprocal();
        if (scaling is null)
        {
            return inverse;
        }

        double F(string key) => double.Parse(scaling[key]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
        var (factor, low, high, original) = (F("factor"), F("low_freq_factor"), F("high_freq_factor"), F("original_max_position_embeddings"));
        // Scalar / tensor written as a full tensor over it: true division, as HF's 2π / inv_freq.
        var wavelength = ones_like(inverse).Times(2 * Math.PI) / inverse;
        using var lowCut = (original / low).ToScalar();
        using var highCut = (original / high).ToScalar();
        var llama = where(wavelength > lowCut, inverse.DividedBy(factor), inverse);
        var smooth = (ones_like(wavelength).Times(original) / wavelength).Minus(low).DividedBy(high - low);
        var smoothed = (smooth.neg().Plus(1) * llama).DividedBy(factor).Plus(smooth * llama);
        var medium = (wavelength >= highCut).logical_and(wavelength <= lowCut);
        return where(medium, smoothed, llama);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
