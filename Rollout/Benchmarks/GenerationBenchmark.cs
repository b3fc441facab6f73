using System.Diagnostics;
using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Benchmarks;

/// <summary>
/// Plain decoding vs each drafter on the same policy, prompts and sampling settings, at a fixed number of slots. A timed
/// run queues four slot-fulls of prompts (at least 16), so the continuous batch runs full for most of it and drains only
/// at the end. Runs are interleaved, in a balanced order (<see cref="InterleavedOrder"/>), so machine noise and what
/// one run leaves behind for the next hit all methods alike; throughput is the median over repeats.
/// </summary>
public sealed class GenerationBenchmark(PolicyModel policy, TextTokenizer tokenizer, IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options)
{
    public IReadOnlyList<GenerationBenchmarkRow> Run(int batch, IReadOnlyList<IDrafter> drafters, int k, IReadOnlyList<bool> adaptiveModes, int repeats, ulong seed, int sequencesPerRun = 16)
    {
        var sequences = Math.Max(sequencesPerRun, 4 * batch);
        var (decode, verify) = ForwardCosts(batch, k);
        // One engine per method for the whole run, so adaptive estimates carry over between repeats as in RL.
        var methods = drafters.SelectMany(d => adaptiveModes.Select(a => (Engine: new GenerationEngine(policy, tokenizer, d), Speculation: new SpeculationOptions(k, a)))).ToList();
        var plain = new GenerationEngine(policy, tokenizer);
        var arRates = new List<double>();
        var rates = methods.Select(_ => new List<double>()).ToList();
        var stats = methods.Select(_ => new SpeculationStats()).ToList();
        var live = methods.Select(_ => new LiveBatchStats()).ToList();
        var order = new InterleavedOrder(methods.Count + 1);
        for (var r = -1; r < repeats; r++)
        {
            // Repeat -1 warms up (JIT, allocator, adaptive estimates) and is not recorded.
            var requests = Enumerable.Range(0, sequences).Select(i => new GenerationRequest(prompts[(((r + 1) * sequences) + i) % prompts.Count])).ToList();
            var runSeed = seed + (ulong)(r + 1);
            // Index 0 of the order is plain decoding (m = -1).
            foreach (var m in order.Next().Select(i => i - 1))
            {
                var clock = Stopwatch.StartNew();
                var result = m < 0
                    ? plain.Generate(requests, options, new SpeculationOptions(0, Adaptive: false), batch, new TokenSampler(runSeed))
                    : methods[m].Engine.Generate(requests, options, methods[m].Speculation, batch, new TokenSampler(runSeed));
                var rate = result.Stats.Emitted / clock.Elapsed.TotalSeconds;
                if (r < 0)
                {
                    continue;
                }

                if (m < 0)
                {
                    arRates.Add(rate);
                }
                else
                {
                    rates[m].Add(rate);
                    stats[m].Add(result.Stats);
                    live[m].Add(result.LiveBatch);
                }
            }
        }

        var ar = Median(arRates);
        var table = new List<GenerationBenchmarkRow> { new("none (AR)", batch, 0, false, ar, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0, batch, []) };
        for (var m = 0; m < methods.Count; m++)
        {
            table.Add(Row(methods[m].Engine.Drafter!.Name, methods[m].Speculation.Adaptive, batch, k, Median(rates[m]) / ar, Median(rates[m]), stats[m], live[m], decode, verify));
        }

        return table;
    }

    private static GenerationBenchmarkRow Row(string name, bool adaptive, int batch, int k, double speedup, double rate, SpeculationStats stats, LiveBatchStats live,
        double decode, double verify)
    {
        double draft = stats.DraftSeconds, verifyS = stats.VerifySeconds, sample = stats.SampleSeconds, book = stats.BookkeepingSeconds;
        var total = draft + verifyS + sample + book;
        var drafted = stats.StepsByK.Where(e => e.Key > 0).Sum(e => e.Value);
        var draftRatio = drafted == 0 ? 0 : draft / drafted / decode;
        var verifyRatio = verify / decode;
        var steps = live.Rows.Sum(r => r.Steps);
        return new GenerationBenchmarkRow(name, batch, k, adaptive, rate, speedup, stats.AcceptanceLength, stats.AcceptanceRate,
            verifyRatio, draftRatio, k == 0 ? 1 : adaptive ? double.NaN : stats.AcceptanceLength / (verifyRatio + draftRatio), draft / total, verifyS / total, sample / total, book / total,
            steps == 0 ? 0 : (double)live.Rows.Sum(r => r.Steps * r.Live) / steps,
            [.. stats.ProposedAtPosition.Select((n, i) => n == 0 ? 0 : (double)stats.AcceptedAtPosition[i] / n)]);
    }

    /// <summary>Median seconds of a 1-token decode forward and a (k+1)-token verify forward at this batch size.</summary>
    private (double Decode, double Verify) ForwardCosts(int batch, int k)
    {
        using var noGrad = no_grad();
        double Time(int tokens)
        {
            var samples = new List<double>();
            for (var i = 0; i < 25; i++)
            {
                using var scope = NewDisposeScope();
                using var cache = policy.NewCache(batch, 64);
                policy.Forward(zeros([batch, 16], ScalarType.Int64, device: policy.Device).Plus(4), cache);
                var feed = zeros([batch, tokens], ScalarType.Int64, device: policy.Device).Plus(5);
                var clock = Stopwatch.StartNew();
                _ = policy.Forward(feed, cache).Logits.cpu();
                samples.Add(clock.Elapsed.TotalSeconds);
            }

            return Median(samples);
        }

        Time(1);
        return (Time(1), Time(k + 1));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
