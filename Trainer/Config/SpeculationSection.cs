using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Pipeline;

namespace RlSpec.Trainer.Config;

/// <summary>Lossless speculative decoding of rollouts: changes speed, never samples.</summary>
public sealed record SpeculationSection
{
    public bool Enabled { get; init; } = true;

    /// <summary>eagle, chunk, mtp, draft-model, ngram or random.</summary>
    public string Drafter { get; init; } = "eagle";

    /// <summary>Draft length k (the most the adaptive controller may use).</summary>
    public int DraftTokens { get; init; } = Defaults.DraftTokens;

    /// <summary>Choose k per step on the live batch, switching speculation off where it does not pay (see <see cref="SpeculationOptions.Adaptive"/>).</summary>
    public bool Adaptive { get; init; } = Defaults.Adaptive;

    /// <summary>With adaptive on, how many of each row's unseen positions the drafter reads when speculation resumes (see <see cref="SpeculationOptions.ResumeWindow"/>).</summary>
    public int ResumeWindow { get; init; } = Defaults.ResumeWindow;

    /// <summary>Speculative steps whose median acceptance length is the drafter's recent level (see <see cref="DrafterHealthOptions.Window"/>).</summary>
    public int AlarmWindow { get; init; } = Health.Window;

    /// <summary>Drafter alarm when acceptance length falls more than this fraction below its recent level.</summary>
    public double AlarmDrop { get; init; } = Health.Drop;

    /// <summary>Drafter alarm when its weights were aligned to a policy version more than this many versions behind the generating one.</summary>
    public int AlarmMaxLag { get; init; } = Health.MaxLag;

    /// <summary>On a drafter alarm, generate without speculation until the drafter recovers.</summary>
    public bool AutoDisable { get; init; } = Health.AutoDisable;

    /// <summary>While auto-disabled, one step in this many speculates as a probe.</summary>
    public int RecoveryProbeEvery { get; init; } = Health.ProbeEvery;

    /// <summary>Every this-many-th step generates plainly, so the run's summary compares speculative and plain generation on its own steps (0 = never).</summary>
    public int PlainEvery { get; init; } = Health.PlainEvery;

    /// <summary>The engine's options; <paramref name="adaptive"/> overrides the config's (benchmarks compare both).</summary>
    public SpeculationOptions Options(bool? adaptive = null) => new(DraftTokens, adaptive ?? Adaptive, ResumeWindow: ResumeWindow);

    public DrafterHealthOptions HealthOptions() => new(AlarmWindow, AlarmDrop, AlarmMaxLag, AutoDisable, RecoveryProbeEvery, PlainEvery);

    private static readonly SpeculationOptions Defaults = new();
    private static readonly DrafterHealthOptions Health = new();
}
