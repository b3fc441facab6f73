namespace RlSpec.Policy.Sampling;

/// <summary>
/// How logits become the distribution tokens are drawn from. Travels with every generate call, and the
/// speculative verifier must use the very same values, or its output is no longer the policy's distribution.
/// </summary>
/// <param name="Temperature">0 = greedy (argmax, ties to the lowest id); otherwise logits are divided by it. Default 1.</param>
/// <param name="TopK">Keep only the K most likely tokens; 0 = off. Default 0.</param>
/// <param name="TopP">Keep the smallest set of most likely tokens whose mass reaches P (after top-k); 1 = off. Default 1.</param>
public sealed record SamplingParams(double Temperature = 1.0, int TopK = 0, double TopP = 1.0)
{
    public static SamplingParams Greedy { get; } = new(Temperature: 0.0);

    public bool IsGreedy => Temperature == 0.0;

    public SamplingParams Validated()
    {
        if (Temperature < 0 || double.IsNaN(Temperature))
        {
            throw new ArgumentException($"temperature must be >= 0 (0 = greedy), got {Temperature}.");
        }

        if (TopK < 0)
        {
            throw new ArgumentException($"top_k must be >= 0 (0 = off), got {TopK}.");
        }

        if (!(TopP > 0 && TopP <= 1))
        {
            throw new ArgumentException($"top_p must be in (0, 1] (1 = off), got {TopP}.");
        }

        return this;
    }
}
