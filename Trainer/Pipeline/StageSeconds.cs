namespace RlSpec.Trainer.Pipeline;

/// <summary>Wall seconds of each stage of one step. In async mode generation overlaps the rest, so the stages can add up to
/// more than <see cref="Step"/>, which is the time between this step's end and the previous one's.</summary>
public sealed record StageSeconds(double Data, double Prepare, double Generation, double Logprob, double Train, double Align, double Step);
