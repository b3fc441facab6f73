using System.Globalization;
using RlSpec.Trainer.Runs;

namespace RlSpec.Trainer.Training;

/// <summary>
/// Generation on a run's speculative steps against its scheduled plain ones (<c>speculation.plain_every</c>): tokens per
/// second pooled over each kind's steps (step 1, warm-up, left out). Both kinds share the run's minutes, so the
/// machine's drift between separate runs does not enter; steps differ in prompts, which pooling over many evens out.
/// </summary>
public sealed record InRunComparison(int SpeculativeSteps, int PlainSteps, double SpeculativeTokensPerSecond, double PlainTokensPerSecond)
{
    public double Speedup => PlainTokensPerSecond > 0 ? SpeculativeTokensPerSecond / PlainTokensPerSecond : 0;

    /// <param name="plainAt">Whether a 0-based step generated plainly by schedule.</param>
    public static InRunComparison? From(IReadOnlyList<StepMetrics> rows, Func<int, bool> plainAt)
    {
        var timed = rows.Where(r => r.Step > 1 && r.GenerationSeconds > 0).ToList();
        var (plain, speculative) = (timed.Where(r => plainAt(r.Step - 1)).ToList(), timed.Where(r => !plainAt(r.Step - 1)).ToList());
        return plain.Count == 0 || speculative.Count == 0 ? null : new(speculative.Count, plain.Count, Rate(speculative), Rate(plain));
    }

    public string Markdown() => string.Create(CultureInfo.InvariantCulture,
        $"Generation on this run's own steps (step 1 left out): speculative {SpeculativeTokensPerSecond:F0} tokens/s over {SpeculativeSteps} steps, "
        + $"plain {PlainTokensPerSecond:F0} tokens/s over {PlainSteps} (speculation.plain_every) → speedup {Speedup:F2}x.");

    private static double Rate(IReadOnlyList<StepMetrics> rows) => rows.Sum(r => r.TokensPerSecond * r.GenerationSeconds) / rows.Sum(r => r.GenerationSeconds);
}
