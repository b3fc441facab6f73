namespace RlSpec.Trainer.Grpo;

/// <summary>
/// GRPO's critic-free advantage: each completion's reward relative to the other completions of the same prompt,
/// A_i = (r_i − mean(group)) / (std(group) + ε). Dividing by the std (the original GRPO) weights prompts of any
/// difficulty equally; Dr. GRPO drops it because it up-weights nearly-solved and nearly-hopeless prompts.
/// </summary>
public static class GroupAdvantages
{
    /// <param name="rewards">Rewards laid out group by group: completions 0..G−1 of prompt 0, then prompt 1, …</param>
    /// <param name="groupSize">Completions per prompt, G.</param>
    /// <param name="scaleByStd">Divide by the group's standard deviation (population std, as GRPO does).</param>
    public static double[] Compute(IReadOnlyList<double> rewards, int groupSize, bool scaleByStd = true, double epsilon = 1e-6)
    {
        if (groupSize < 1 || rewards.Count % groupSize != 0)
        {
            throw new ArgumentException($"{rewards.Count} rewards do not split into groups of {groupSize}.");
        }

        var advantages = new double[rewards.Count];
        for (var start = 0; start < rewards.Count; start += groupSize)
        {
            var mean = 0.0;
            for (var i = 0; i < groupSize; i++)
            {
                mean += rewards[start + i];
            }

            mean /= groupSize;
            var variance = 0.0;
            for (var i = 0; i < groupSize; i++)
            {
                variance += (rewards[start + i] - mean) * (rewards[start + i] - mean);
            }

            var scale = scaleByStd ? Math.Sqrt(variance / groupSize) + epsilon : 1.0;
            for (var i = 0; i < groupSize; i++)
            {
                advantages[start + i] = (rewards[start + i] - mean) / scale;
            }
        }

        return advantages;
    }
}
