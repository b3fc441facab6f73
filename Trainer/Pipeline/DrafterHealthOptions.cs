namespace RlSpec.Trainer.Pipeline;

/// <summary>When the drafter counts as unhealthy, and what to do about it (see <see cref="DrafterHealth"/>).</summary>
/// <param name="Window">Speculative steps whose median acceptance length is the "recent level" (default 8).</param>
/// <param name="Drop">Alarm when a step's acceptance length falls more than this fraction below the recent level (default 0.25).</param>
/// <param name="MaxLag">Alarm when the drafter that generated a step was aligned to a policy version more than this many versions
/// older than the one generating (default 2; a drafter aligned after every update lags by 1).</param>
/// <param name="AutoDisable">On an alarm, generate without speculation until the drafter recovers (default false).</param>
/// <param name="ProbeEvery">While speculation is off, one step in this many speculates to see whether the drafter recovered (default 4).</param>
/// <param name="PlainEvery">Every this-many-th step generates without speculation whatever the drafter's health, so a run
/// compares the two on its own steps, free of the drift between separate runs (default 0: never).</param>
public sealed record DrafterHealthOptions(int Window = 8, double Drop = 0.25, int MaxLag = 2, bool AutoDisable = false, int ProbeEvery = 4, int PlainEvery = 0)
{
    /// <summary>Speculative steps needed before the acceptance check starts.</summary>
    public const int MinHistory = 3;

    /// <summary>Whether step <paramref name="step"/> (0-based) is one of the <see cref="PlainEvery"/> plain steps.</summary>
    public bool PlainAt(int step) => PlainEvery > 0 && (step + 1) % PlainEvery == 0;

    public DrafterHealthOptions Validated() =>
        Window >= MinHistory && Drop is > 0 and < 1 && MaxLag >= 0 && ProbeEvery >= 1 && PlainEvery >= 0
            ? this
            : throw new ArgumentException(
                $"speculation: alarm_window must be >= {MinHistory}, alarm_drop in (0, 1), alarm_max_lag >= 0, recovery_probe_every >= 1 and plain_every >= 0; got {Window}, {Drop}, {MaxLag}, {ProbeEvery}, {PlainEvery}.");
}
