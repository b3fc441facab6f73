namespace RlSpec.Rollout.Generation;

/// <summary>
/// How a continuous batch spent its steps: per live-row count, the steps taken, tokens emitted and seconds spent
/// (admission and prefill included), split into the <em>full</em> phase (samples still queued, so every freed slot
/// is refilled) and the <em>draining</em> phase (queue empty, the live batch only shrinks).
/// </summary>
public sealed class LiveBatchStats
{
    private readonly SortedDictionary<int, LiveBatchRow> _rows = [];

    /// <summary>Rows by live count, ascending.</summary>
    public IReadOnlyCollection<LiveBatchRow> Rows => _rows.Values;

    public void Add(int live, int k, long tokens, double seconds, bool draining)
    {
        var row = _rows.GetValueOrDefault(live) ?? new LiveBatchRow(live);
        _rows[live] = row with
        {
            Steps = row.Steps + 1,
            SpeculativeSteps = row.SpeculativeSteps + (k > 0 ? 1 : 0),
            Tokens = row.Tokens + tokens,
            Seconds = row.Seconds + seconds,
            DrainingSteps = row.DrainingSteps + (draining ? 1 : 0),
            DrainingTokens = row.DrainingTokens + (draining ? tokens : 0),
            DrainingSeconds = row.DrainingSeconds + (draining ? seconds : 0),
        };
    }

    public void Add(LiveBatchStats other)
    {
        Prefills += other.Prefills;
        foreach (var r in other.Rows)
        {
            var row = _rows.GetValueOrDefault(r.Live) ?? new LiveBatchRow(r.Live);
            _rows[r.Live] = row with
            {
                Steps = row.Steps + r.Steps,
                SpeculativeSteps = row.SpeculativeSteps + r.SpeculativeSteps,
                Tokens = row.Tokens + r.Tokens,
                Seconds = row.Seconds + r.Seconds,
                DrainingSteps = row.DrainingSteps + r.DrainingSteps,
                DrainingTokens = row.DrainingTokens + r.DrainingTokens,
                DrainingSeconds = row.DrainingSeconds + r.DrainingSeconds,
            };
        }
    }

    /// <summary>Prompts prefilled (one per prompt when groups share their prefill).</summary>
    public long Prefills { get; private set; }

    public void AddPrefills(int prompts) => Prefills += prompts;

    public long Tokens => _rows.Values.Sum(r => r.Tokens);

    public double Seconds => _rows.Values.Sum(r => r.Seconds);

    public long DrainingTokens => _rows.Values.Sum(r => r.DrainingTokens);

    public double DrainingSeconds => _rows.Values.Sum(r => r.DrainingSeconds);

    public long FullTokens => Tokens - DrainingTokens;

    public double FullSeconds => Seconds - DrainingSeconds;
}
