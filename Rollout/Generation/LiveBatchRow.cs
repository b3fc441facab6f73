namespace RlSpec.Rollout.Generation;

/// <summary>Steps a continuous batch took with <paramref name="Live"/> rows live, and what they produced.</summary>
public sealed record LiveBatchRow(int Live)
{
    public long Steps { get; init; }

    /// <summary>Steps that verified drafts (k &gt; 0).</summary>
    public long SpeculativeSteps { get; init; }

    public long Tokens { get; init; }

    public double Seconds { get; init; }

    public long DrainingSteps { get; init; }

    public long DrainingTokens { get; init; }

    public double DrainingSeconds { get; init; }
}
