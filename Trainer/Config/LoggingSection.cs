namespace RlSpec.Trainer.Config;

/// <summary>Where a run writes and how often.</summary>
public sealed record LoggingSection
{
    /// <summary>Run directory; null = runs/&lt;UTC timestamp&gt;. Must not exist or be empty, unless resuming.</summary>
    public string? RunDir { get; init; }

    /// <summary>Checkpoint every this many steps (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 10;

    /// <summary>Write one MessagePack record per rollout.</summary>
    public bool RolloutLog { get; init; } = true;
}
