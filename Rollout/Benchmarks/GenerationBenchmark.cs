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
/// Plain decoding vs each drafter on the same policy, prompts and sampling settings. Runs are interleaved, in an
/// order rotated every repeat, so machine noise and position effects hit all methods alike; throughput is the
/// median over repeats.
/// </summary>
public sealed class GenerationBenchmark(PolicyModel policy, TextTokenizer tokenizer, IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options)
{
    /// <param name="sequencesPerRun">Each timed run generates at least this many sequences (several batches at small batch
    /// sizes), so a run lasts long enough for the wall clock to mean something on a noisy machine.</param>
    public IReadOnlyList<GenerationBenchmarkRow> Run(int batch, IReadOnlyList<IDrafter> drafters, int k, IReadOnlyList<bool> adaptiveModes, int repeats, ulong seed, int sequencesPerRun = 16)
    {
        var batchesPerRun = Math.Max(1, (sequencesPerRun + batch - 1) / batch);
        var (decode, verify) = ForwardCosts(batch, k);
        // One generator per method for the whole run, so adaptive estimates carry over between repeats as in RL.
        var methods = drafters.SelectMany(d => adaptiveModes.Select(a => (Generator: new SpeculativeGenerator(policy, tokenizer, d), Adaptive: a))).ToList();
        var plain = new AutoregressiveGenerator(policy, tokenizer);
        var arRates = new List<double>();
        var rates = methods.Select(_ => new List<double>()).ToList();
        var stats = methods.Select(_ => new List<SpeculationStats>()).ToList();
        for (var r = -1; r < repeats; r++)
        {
            // Repeat -1 warms up (JIT, allocator, adaptive estimates) and is not recorded.
            var runBatches = Enumerable.Range(0, batchesPerRun)
                .Select(j => (IReadOnlyList<IReadOnlyList<int>>)Enumerable.Range(0, batch).Select(i => prompts[((((r + 1) * batchesPerRun) + j) * batch + i) % prompts.Count]).ToList())
                .ToList();
            var runSeed = seed + (ulong)(r + 1);
            // Rotate the order each repeat (-1 = plain decoding) so no method always runs first or last.
            var order = Enumerable.Range(-1, methods.Count + 1).ToList();
            var shift = ((r + 1) % order.Count + order.Count) % order.Count;
            foreach (var m in order.Skip(shift).Concat(order.Take(shift)))
            {
                var runStats = new List<SpeculationStats>();
                var rate = m < 0
                    ? Rate(() => Plain(plain, runBatches, runSeed))
                    : Rate(() => Speculative(methods[m].Generator, methods[m].Adaptive, k, runBatches, runSeed, runStats));
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
                    stats[m].AddRange(runStats);
                }
            }
        }

        var ar = Median(arRates);
        var table = new List<GenerationBenchmarkRow> { new("none (AR)", batch, 0, false, ar, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0) };
        for (var m = 0; m < methods.Count; m++)
        {
            table.Add(Row(methods[m].Generator.Drafter.Name, methods[m].Adaptive, batch, k, Median(rates[m]) / ar, Median(rates[m]), stats[m], decode, verify));
        }

        return table;
    }

    private long Plain(AutoregressiveGenerator generator, List<IReadOnlyList<IReadOnlyList<int>>> batches, ulong seed)
    {
        var sampler = new TokenSampler(seed);
        return batches.Sum(rows => generator.Generate(rows, options, sampler).Sum(s => s.Completion.Count));
    }

    private long Speculative(SpeculativeGenerator generator, bool adaptive, int k, List<IReadOnlyList<IReadOnlyList<int>>> batches, ulong seed, List<SpeculationStats> stats)
    {
        var sampler = new TokenSampler(seed);
        return batches.Sum(rows =>
        {
            var result = generator.Generate(rows, options, new SpeculationOptions(k, adaptive), sampler);
            stats.Add(result.Stats);
            return result.Sequences.Sum(s => s.Completion.Count);
        });
    }

    private static GenerationBenchmarkRow Row(string name, bool adaptive, int batch, int k, double speedup, double rate, List<SpeculationStats> stats, double decode, double verify)
    {
        long steps = stats.Sum(s => s.Steps), emitted = stats.Sum(s => s.Emitted), rowSteps = stats.Sum(s => s.RowSteps);
        long proposed = stats.Sum(s => s.Proposed), accepted = stats.Sum(s => s.Accepted);
        double draft = stats.Sum(s => s.DraftSeconds), verifyS = stats.Sum(s => s.VerifySeconds), sample = stats.Sum(s => s.SampleSeconds), book = stats.Sum(s => s.BookkeepingSeconds);
        var total = draft + verifyS + sample + book;
        var alpha = proposed == 0 ? 0 : (double)accepted / proposed;
        var draftRatio = steps == 0 ? 0 : draft / steps / decode;
        var verifyRatio = verify / decode;
        var model = new SpeculationCostModel(1.0, k == 0 ? 0 : draftRatio / k, [.. Enumerable.Range(0, k + 1).Select(i => i == k ? verifyRatio : 1.0)]);
        return new GenerationBenchmarkRow(name, batch, k, adaptive, rate, speedup, rowSteps == 0 ? 0 : (double)emitted / rowSteps, alpha,
            verifyRatio, draftRatio, model.Speedup(alpha, k), draft / total, verifyS / total, sample / total, book / total);
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
                policy.Forward(zeros([batch, 16], ScalarType.Int64, device: policy.Device) + 4, cache);
                var feed = zeros([batch, tokens], ScalarType.Int64, device: policy.Device) + 5;
                var clock = Stopwatch.StartNew();
                _ = policy.Forward(feed, cache).Logits.cpu();
                samples.Add(clock.Elapsed.TotalSeconds);
            }

            return Median(samples);
        }

        Time(1);
        return (Time(1), Time(k + 1));
    }

    private static double Rate(Func<long> generate)
    {
        var clock = Stopwatch.StartNew();
        var tokens = generate();
        return tokens / clock.Elapsed.TotalSeconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
