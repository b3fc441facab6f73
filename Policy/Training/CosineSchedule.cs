namespace RlSpec.Policy.Training;

/// <summary>Linear warm-up then cosine decay to a floor: the usual LM schedule.</summary>
public static class CosineSchedule
{
    public static double At(int step, int totalSteps, int warmupSteps, double peak, double minRatio)
    {
        if (step < warmupSteps)
        {
            return peak * (step + 1) / warmupSteps;
        }

        var progress = (double)(step - warmupSteps) / Math.Max(1, totalSteps - warmupSteps);
        var cosine = 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, progress)));
        return peak * (minRatio + ((1 - minRatio) * cosine));
    }

    /// <summary>Sets <paramref name="optimizer"/>'s learning rate for this step and returns it.</summary>
    public static double Apply(HeldScalarAdamW optimizer, int step, int totalSteps, int warmupSteps, double peak, double minRatio)
    {
        var lr = At(step, totalSteps, warmupSteps, peak, minRatio);
        optimizer.LearningRate = lr;
        return lr;
    }
}
