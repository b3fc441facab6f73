using System.Diagnostics;
using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;

namespace RlSpec.Rollout.Benchmarks;

/// <summary>
/// One GRPO step's generation (every prompt × its group, through the engine's slots), plain against each speculative
/// method, in interleaved repeats in a balanced order (<see cref="InterleavedOrder"/>); each repeat uses the next step's prompts. Rates (overall
/// and per phase) are pooled over the repeats, and the live-batch histogram is summed.
/// </summary>
public sealed class RolloutBenchmark(PolicyModel policy, TextTokenizer tokenizer, GenerationOptions options, int slots)
{
    /// <param name="steps">One step's requests per repeat, the first <paramref name="warmupSteps"/> for unrecorded warm-up.</param>
    /// <param name="methods">Speculative methods to compare with plain generation.</param>
    public IReadOnlyList<RolloutBenchmarkRow> Run(IReadOnlyList<IReadOnlyList<GenerationRequest>> steps, IReadOnlyList<(IDrafter Drafter, SpeculationOptions Speculation)> methods, ulong seed,
        IProgress<string>? log = null, int warmupSteps = 1)
    {
        if (warmupSteps < 0 || warmupSteps >= steps.Count)
        {
            throw new ArgumentException($"bench rollout: {warmupSteps} warm-up steps leave none of the {steps.Count} steps to time.");
        }

        var engines = new List<(string Name, GenerationEngine Engine, SpeculationOptions Speculation)> { ("plain", new GenerationEngine(policy, tokenizer), new SpeculationOptions(0, Adaptive: false)) };
        engines.AddRange(methods.Select(m => (m.Drafter.Name, new GenerationEngine(policy, tokenizer, m.Drafter), m.Speculation)));
        var stats = engines.Select(_ => new SpeculationStats()).ToList();
        var live = engines.Select(_ => new LiveBatchStats()).ToList();
        var order = new InterleavedOrder(engines.Count);
        for (var r = 0; r < steps.Count; r++)
        {
            foreach (var m in order.Next())
            {
                var clock = Stopwatch.StartNew();
                var result = engines[m].Engine.Generate(steps[r], options, engines[m].Speculation, slots, new TokenSampler(seed + (ulong)r));
                var rate = result.Stats.Emitted / clock.Elapsed.TotalSeconds;
                log?.Report($"{(r < warmupSteps ? $"warm-up {r + 1}/{warmupSteps}" : $"repeat {r - warmupSteps + 1}/{steps.Count - warmupSteps}")}: {Label(engines[m])} {rate:F0} tokens/s");
                if (r >= warmupSteps)
                {
                    stats[m].Add(result.Stats);
                    live[m].Add(result.LiveBatch);
                }
            }
        }

        // Pooled over repeats like the phases, so the overall rate always lies between the two phases' rates.
        var plain = (Rate: live[0].Tokens / live[0].Seconds, Full: live[0].FullTokens / live[0].FullSeconds, Draining: Rate(live[0].DrainingTokens, live[0].DrainingSeconds));
        return engines.Select((e, m) =>
        {
            var (full, draining) = (live[m].FullTokens / live[m].FullSeconds, Rate(live[m].DrainingTokens, live[m].DrainingSeconds));
            return new RolloutBenchmarkRow(Label(e), slots, e.Speculation.DraftTokens, e.Speculation.Adaptive, live[m].Tokens / live[m].Seconds, live[m].Tokens / live[m].Seconds / plain.Rate,
                full, full / plain.Full, draining, plain.Draining > 0 ? draining / plain.Draining : 0, live[m].DrainingSeconds / live[m].Seconds,
                stats[m].AcceptanceLength, stats[m].Steps == 0 ? 0 : (double)stats[m].StepsByK.Where(s => s.Key > 0).Sum(s => s.Value) / stats[m].Steps,
                [.. live[m].Rows]);
        }).ToList();
    }

    private static string Label((string Name, GenerationEngine Engine, SpeculationOptions Speculation) e) =>
        e.Engine.Drafter is null ? "plain" : $"{e.Name} k={e.Speculation.DraftTokens} {(e.Speculation.Adaptive ? "adaptive" : "fixed")}";

    private static double Rate(long tokens, double seconds) => seconds > 0 ? tokens / seconds : 0;
}
