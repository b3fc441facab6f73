namespace RlSpec.Rollout.Verification;

/// <summary>One drafter and sampling setting to check.</summary>
public sealed record LosslessnessCase(string Drafter, int DraftTokens, double Temperature, int TopK, double TopP, int Samples);
