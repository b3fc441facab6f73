using System.Globalization;

namespace RlSpec.Trainer.Pipeline;

/// <summary>
/// Watches the drafter step by step: an alarm when a speculative step's acceptance length falls more than
/// <see cref="DrafterHealthOptions.Drop"/> below the median of the last <see cref="DrafterHealthOptions.Window"/> healthy
/// speculative steps, or when the drafter that generated the step lags the generating policy by more than
/// <see cref="DrafterHealthOptions.MaxLag"/> versions. Alarmed steps never enter the median, so a drafter that stays bad
/// keeps the alarm on instead of becoming the new normal. With <see cref="DrafterHealthOptions.AutoDisable"/> an alarm
/// switches speculation off; every <see cref="DrafterHealthOptions.ProbeEvery"/>-th step after that, if the drafter's
/// lag is back within bounds, one step speculates as a probe, and speculation comes back on once a probe's acceptance
/// is within the drop of the level from before the alarm with the lag still within bounds.
/// Whether step s speculates is decided from the steps up to s − 1 − <c>lead</c> (lead = the async pipeline's
/// staleness: step s starts generating before later steps are recorded), so the decisions follow from the recorded
/// rows alone: a resumed run replays them (<see cref="Replay"/>) and decides as the uninterrupted run did.
/// Thread-safe: the recorder observes on the host thread while the coordinator asks.
/// </summary>
public sealed class DrafterHealth
{
    private readonly DrafterHealthOptions _options;
    private readonly int _lead;
    private readonly Lock _gate = new();
    private readonly List<double> _levels = [];
    private readonly Dictionary<int, bool> _plan = [];
    private bool _alarm, _disabled;
    private int _sinceDisabled;

    /// <param name="lead">Steps between a recorded step and the first step whose generation may depend on it, minus one
    /// (0 in sync mode, <c>pipeline.max_staleness</c> in async mode).</param>
    public DrafterHealth(DrafterHealthOptions options, int lead)
    {
        _options = options.Validated();
        _lead = lead;
    }

    /// <summary>Whether step <paramref name="step"/> (0-based) generates speculatively.</summary>
    public bool Speculates(int step)
    {
        lock (_gate)
        {
            return Planned(step);
        }
    }

    /// <summary>Speculation is off until the drafter recovers.</summary>
    public bool Disabled
    {
        get
        {
            lock (_gate)
            {
                return _disabled;
            }
        }
    }

    /// <summary>Median acceptance length of the recent healthy speculative steps (null until there are enough).</summary>
    public double? Level
    {
        get
        {
            lock (_gate)
            {
                return LevelLocked();
            }
        }
    }

    /// <summary>Judges step <paramref name="step"/> (0-based, in order) and plans the step it decides.</summary>
    /// <param name="acceptanceLength">Tokens per verify step of the step's rollouts.</param>
    /// <param name="lag">Generating policy version minus the drafter's aligned version (null: a drafter without weights).</param>
    public HealthVerdict Observe(int step, double acceptanceLength, long? lag)
    {
        lock (_gate)
        {
            var speculated = Planned(step);
            _plan.Remove(step);
            var lagAlarm = lag > _options.MaxLag;
            var level = LevelLocked();
            var dropAlarm = speculated && level is { } l && acceptanceLength < (1 - _options.Drop) * l;
            var wasAlarm = _alarm;
            string? notice = null;
            if (_disabled && speculated && !lagAlarm && !dropAlarm)
            {
                _disabled = false;
                notice = Invariant($"drafter recovered at step {step + 1} (probe acceptance length {acceptanceLength:F2}{LevelText(level)}{LagText(lag)}): speculation back on");
            }

            _alarm = lagAlarm || dropAlarm || _disabled;
            if (speculated && !_alarm)
            {
                _levels.Add(acceptanceLength);
                if (_levels.Count > _options.Window)
                {
                    _levels.RemoveAt(0);
                }
            }

            if (_alarm && !wasAlarm)
            {
                var why = lagAlarm
                    ? Invariant($"the drafter is {lag} policy versions behind (limit {_options.MaxLag})")
                    : Invariant($"acceptance length {acceptanceLength:F2} is {1 - (acceptanceLength / level!.Value):P0} below its recent median {level.Value:F2}");
                notice = Invariant($"drafter alarm at step {step + 1}: {why}");
            }
            else if (!_alarm && wasAlarm && notice is null)
            {
                notice = Invariant($"drafter alarm cleared at step {step + 1}");
            }

            if (_alarm && !_disabled && _options.AutoDisable)
            {
                (_disabled, _sinceDisabled) = (true, 0);
                notice = (notice ?? Invariant($"drafter alarm at step {step + 1}")) + "; speculation off until it recovers (speculation.auto_disable)";
            }
            else if (_disabled)
            {
                _sinceDisabled++;
            }

            // A probe is worth its cost only once the drafter has been aligned again.
            _plan[step + 1 + _lead] = !_disabled || (!lagAlarm && _sinceDisabled % _options.ProbeEvery == 0 && _sinceDisabled > 0);
            return new HealthVerdict(_alarm, notice);
        }
    }

    /// <summary>Rebuilds the state from a run's recorded rows (<c>metrics.csv</c>, 1-based steps in order), for a resume.</summary>
    public void Replay(IEnumerable<(int Step, double AcceptanceLength, long? Lag)> rows)
    {
        foreach (var (step, acceptance, lag) in rows)
        {
            Observe(step - 1, acceptance, lag);
        }
    }

    // A scheduled plain step (plain_every) is plain whatever the health decided; it is judged only on the drafter's lag.
    private bool Planned(int step) => !_options.PlainAt(step) && _plan.GetValueOrDefault(step, true);

    private double? LevelLocked()
    {
        if (_levels.Count < DrafterHealthOptions.MinHistory)
        {
            return null;
        }

        var sorted = _levels.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string LevelText(double? level) => level is { } l ? Invariant($", recent median {l:F2}") : "";

    private static string LagText(long? lag) => lag is { } l ? Invariant($", lag {l}") : "";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
