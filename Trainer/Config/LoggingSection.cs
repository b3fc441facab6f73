namespace RlSpec.Trainer.Config;

/// <summary>Where a run writes and how often.</summary>
public sealed record LoggingSection
{
    /// <summary>Run directory; null = runs/&lt;UTC timestamp&gt;. Must not exist or be empty, unless resuming.</summary>
    public string? RunDir { get; init; }

    /// <summary>Checkpoint every this many steps (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 10;

    /// <summary>Checkpoints kept in the run directory: the newest this many (the latest is always among them, so a run can
    /// resume); older ones are deleted after each new one is written. 0 = keep every checkpoint.</summary>
    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>Write one MessagePack record per rollout.</summary>
    public bool RolloutLog { get; init; } = true;
}
