namespace RlSpec.Trainer.Pipeline;

/// <summary>
/// Which weights generate and which train each step. Versions count updates, one per step, so the update of step t
/// starts from version t; its rollouts come from version t minus the staleness (0 in sync mode), never older than
/// <paramref name="OldestVersion"/>: 0 in a fresh run, and in a resumed one the oldest version its checkpoint kept.
/// Fixing the versions in advance keeps asynchronous runs reproducible, resumed ones included.
/// </summary>
public sealed record StepSchedule(int Staleness, int TotalSteps, long OldestVersion = 0)
{
    public long TrainingVersion(int step) => step;

    public long GenerationVersion(int step) => Math.Max(OldestVersion, TrainingVersion(step) - Staleness);

    /// <summary>Whether step <paramref name="step"/> can start generating once <paramref name="published"/> is the newest version.</summary>
    public bool CanGenerate(int step, long published) => step < TotalSteps && GenerationVersion(step) <= published;
}
