namespace RlSpec.Policy.Training;

/// <summary>Reported every few SFT steps.</summary>
public sealed record SftProgress(int Step, int TotalSteps, double Loss, double LearningRate, TimeSpan Elapsed);
