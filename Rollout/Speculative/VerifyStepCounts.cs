namespace RlSpec.Rollout.Speculative;

/// <summary>One sequence's share of one verify step: drafts proposed to it and how many the policy accepted.</summary>
public readonly record struct VerifyStepCounts(int Proposed, int Accepted);
