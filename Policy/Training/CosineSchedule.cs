using TorchSharp;

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

    /// <summary>Sets every parameter group of <paramref name="optimizer"/> to the rate for this step and returns it.</summary>
    public static double Apply(torch.optim.Optimizer optimizer, int step, int totalSteps, int warmupSteps, double peak, double minRatio)
    {
        var lr = At(step, totalSteps, warmupSteps, peak, minRatio);
        SetLearningRate(optimizer, lr);
        return lr;
    }

    /// <summary>Sets every parameter group of <paramref name="optimizer"/> to <paramref name="learningRate"/> (constant-rate callers).</summary>
    public static void SetLearningRate(torch.optim.Optimizer optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = learningRate;
        }
    }
}
