namespace RlSpec.Rollout.Verification;

/// <summary>One drafter and sampling setting to check.</summary>
/// <param name="Adaptive">Let the live-batch controller vary k (and switch speculation off) while checking.</param>
public sealed record LosslessnessCase(string Drafter, int DraftTokens, double Temperature, int TopK, double TopP, int Samples, bool Adaptive = false);
