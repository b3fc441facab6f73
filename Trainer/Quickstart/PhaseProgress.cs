using System.Globalization;

namespace RlSpec.Trainer.Quickstart;

/// <summary>
/// Progress of one long phase (warm start, drafter pretraining, evaluation) through a run's log, so no phase is silent
/// for minutes: on a terminal (<see cref="ILiveLog"/>) an updating line at every report; on a plain log (redirected
/// output, CI) the first report, then at most one line per <see cref="Interval"/>, and the end (<see cref="Done"/>).
/// </summary>
public sealed class PhaseProgress : IProgress<int>
{
    /// <summary>Lines at most this often in a plain log.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly IProgress<string>? _log;
    private readonly string _phase, _unit;
    private readonly int _total;
    private readonly TimeProvider _time;
    private readonly long _started;
    private long? _printed;
    private int _done;

    /// <param name="unit">What is counted, e.g. "steps" or "problems".</param>
    public PhaseProgress(IProgress<string>? log, string phase, int total, string unit, TimeProvider? time = null)
    {
        (_log, _phase, _total, _unit, _time) = (log, phase, total, unit, time ?? TimeProvider.System);
        _started = _time.GetTimestamp();
    }

    public void Report(int value) => Report(value, null);

    /// <param name="detail">The phase's latest figure (a loss, a KL), appended to the line.</param>
    public void Report(int done, string? detail)
    {
        _done = done;
        var line = Line(detail);
        if (_log is ILiveLog live)
        {
            live.Update(line);
            return;
        }

        // The last count is printed by Done, with the phase's result.
        var now = _time.GetTimestamp();
        if (done < _total && (_printed is null || _time.GetElapsedTime(_printed.Value, now) >= Interval))
        {
            _log?.Report(line);
            _printed = now;
        }
    }

    /// <summary>Ends the phase with a line kept in every log.</summary>
    public void Done(string? detail = null)
    {
        _done = Math.Max(_done, _total);
        _log?.Report(Line(detail));
    }

    private string Line(string? detail) => string.Create(CultureInfo.InvariantCulture,
        $"{_phase}: {_done}/{_total} {_unit} ({(_total > 0 ? 100.0 * _done / _total : 100):F0}%, {_time.GetElapsedTime(_started).TotalSeconds:F0} s)") + (detail is null ? "" : $"  {detail}");
}
