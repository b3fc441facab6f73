using System.Diagnostics;
using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Config;

namespace RlSpec.Trainer.Training;

/// <summary>
/// Times one step's worth of rollouts generated plainly and speculatively, interleaved and repeated, with the
/// run's own settings: the generation speedup speculation buys this run on this machine.
/// </summary>
public static class GenerationSpeedCheck
{
    public sealed record Result(double PlainSeconds, double SpeculativeSeconds, double AcceptanceLength)
    {
        public double Speedup => PlainSeconds / SpeculativeSeconds;
    }

    public static Result Run(RunConfig config, PolicyModel policy, TextTokenizer tokenizer, IVerifiableTask task, IDrafter drafter, int repeats = 3)
    {
        var r = config.Rollout;
        var generation = new GenerationOptions(r.MaxNewTokens, new SamplingParams(r.Temperature, r.TopK, r.TopP));
        var speculation = new SpeculationOptions(config.Speculation.DraftTokens, config.Speculation.Adaptive);
        var prompts = task.Examples(config.Seed + 17).Take(r.PromptsPerStep).SelectMany(e => Enumerable.Repeat(PromptFormat.Prompt(tokenizer, e.Prompt), r.GroupSize)).ToList();
        var plain = new AutoregressiveGenerator(policy, tokenizer);
        var speculative = new SpeculativeGenerator(policy, tokenizer, drafter);
        var (plainTimes, specTimes) = (new List<double>(), new List<double>());
        var (emitted, rowSteps) = (0L, 0L);
        for (var i = 0; i < repeats; i++)
        {
            using var s1 = new TokenSampler((ulong)(i + 1), policy.Device);
            var clock = Stopwatch.StartNew();
            foreach (var chunk in prompts.Chunk(r.BatchSize))
            {
                plain.Generate(chunk, generation, s1);
            }

            plainTimes.Add(clock.Elapsed.TotalSeconds);
            using var s2 = new TokenSampler((ulong)(i + 1), policy.Device);
            clock.Restart();
            foreach (var chunk in prompts.Chunk(r.BatchSize))
            {
                var result = speculative.Generate(chunk, generation, speculation, s2);
                (emitted, rowSteps) = (emitted + result.Stats.Emitted, rowSteps + result.Stats.RowSteps);
            }

            specTimes.Add(clock.Elapsed.TotalSeconds);
        }

        return new Result(Median(plainTimes), Median(specTimes), rowSteps == 0 ? 1 : (double)emitted / rowSteps);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
