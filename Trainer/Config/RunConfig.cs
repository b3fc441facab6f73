namespace RlSpec.Trainer.Config;

/// <summary>
/// Everything a training run needs, as read from YAML (snake_case keys). Defaults are <c>train</c>'s (the quickstart
/// sets a few of its own: <c>QuickstartCommand.Defaults</c>). A run is reproducible from this plus the seed; the
/// resolved config is saved in the run directory.
/// </summary>
public sealed record RunConfig
{
    /// <summary>Seeds initialisation, data order, sampling and drafter training.</summary>
    public int Seed { get; init; } = 1;

    public ModelSection Model { get; init; } = new();

    public TaskSection Task { get; init; } = new();

    public RolloutSection Rollout { get; init; } = new();

    public SpeculationSection Speculation { get; init; } = new();

    public DrafterSection Drafter { get; init; } = new();

    public TrainerSection Trainer { get; init; } = new();

    public PipelineSection Pipeline { get; init; } = new();

    public LoggingSection Logging { get; init; } = new();

    public ClusterSection Cluster { get; init; } = new();
}
