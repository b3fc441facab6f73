namespace RlSpec.Trainer.Pipeline;

/// <summary>What <see cref="DrafterHealth"/> made of one step.</summary>
/// <param name="Alarm">The drafter is unhealthy at this step (or speculation is still off because it was).</param>
/// <param name="Notice">A line worth printing, only when the state changed (alarm raised or cleared, speculation off or back on).</param>
public sealed record HealthVerdict(bool Alarm, string? Notice);
