using System.Diagnostics;
using RlSpec.Policy.Model;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Benchmarks;

/// <summary>Result of timing plain KV-cached decoding at one batch size.</summary>
public sealed record DecodeMeasurement(int Batch, int PromptTokens, int DecodeSteps, double MedianSecondsPerStep, double TokensPerSecond);

/// <summary>
/// Times single-token decode steps after a prefill, excluding sampling, so it measures the policy forward
/// itself. Fixed step count (no EOS) keeps batch sizes comparable; the median of several repeats damps noise.
/// </summary>
public static class DecodeBenchmark
{
    public static DecodeMeasurement Measure(PolicyModel model, int batch, int promptTokens, int decodeSteps, int repeats, int warmupSteps = 3)
    {
        using var noGrad = no_grad();
        var perStep = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            using var scope = NewDisposeScope();
            using var cache = model.NewCache(batch, promptTokens + warmupSteps + decodeSteps);
            var prompt = randint(4, model.Config.VocabSize, [batch, promptTokens], device: model.Device);
            var token = model.Forward(prompt, cache).Logits[.., -1].argmax(-1, keepdim: true);
            for (var w = 0; w < warmupSteps; w++)
            {
                token = model.Forward(token, cache).Logits[.., -1].argmax(-1, keepdim: true);
            }

            var clock = Stopwatch.StartNew();
            for (var s = 0; s < decodeSteps; s++)
            {
                using var stepScope = NewDisposeScope();
                token = model.Forward(token, cache).Logits[.., -1].argmax(-1, keepdim: true).MoveToOuterDisposeScope();
            }

            _ = token.cpu(); // synchronise before stopping the clock (matters on CUDA)
            perStep.Add(clock.Elapsed.TotalSeconds / decodeSteps);
        }

        var median = perStep.Order().ElementAt(perStep.Count / 2);
        return new DecodeMeasurement(batch, promptTokens, decodeSteps, median, batch / median);
    }
}
