namespace RlSpec.Trainer.Reports;

/// <summary>
/// Acceptance by draft position, counted over verify steps. Position i (1-based) is <em>reached</em> when drafts
/// 1..i−1 were all accepted, so the chain's first rejection ends it; <see cref="Drafted"/> counts steps that proposed
/// at least i drafts. Reached-rate = P(draft i accepted | 1..i−1 accepted) is what the drafter controls at each depth;
/// drafted-rate = P(draft i accepted) is the share of position-i drafts that survive, as NeMo-RL logs it.
/// </summary>
public sealed class PositionAcceptance
{
    private readonly List<long> _reached = [];
    private readonly List<long> _accepted = [];
    private readonly List<long> _drafted = [];

    public int Positions => _reached.Count;

    public bool IsEmpty => _reached.Count == 0 || _reached.All(r => r == 0);

    public IReadOnlyList<long> Reached => _reached;

    public IReadOnlyList<long> Accepted => _accepted;

    /// <summary>Steps that proposed at least i drafts; zero everywhere when only per-token flags were logged.</summary>
    public IReadOnlyList<long> Drafted => _drafted;

    /// <summary>One verify step that proposed <paramref name="drafts"/> tokens and accepted the first <paramref name="accepted"/>.</summary>
    public void AddStep(int drafts, int accepted)
    {
        if (drafts <= 0)
        {
            return; // speculation was off for this step (adaptive k = 0)
        }

        accepted = Math.Clamp(accepted, 0, drafts);
        Grow(drafts);
        for (var i = 0; i < drafts; i++)
        {
            _drafted[i]++;
        }

        AddChain(accepted, rejectedNext: accepted < drafts);
    }

    /// <summary>One emitted token's flags: it stood at draft position <paramref name="position"/> (≥ 1) and was or was
    /// not accepted (a rejected draft's slot is filled by the recovered token). Tokens not at a draft position (the bonus
    /// token, plain decoding) carry position ≤ 0 and are skipped.</summary>
    public void AddToken(int position, bool accepted)
    {
        if (position <= 0)
        {
            return;
        }

        Grow(position);
        _reached[position - 1]++;
        if (accepted)
        {
            _accepted[position - 1]++;
        }
    }

    /// <summary>Adds drafted counts only (for per-token sources, whose flags give reached and accepted).</summary>
    public void AddDrafted(int drafts)
    {
        Grow(drafts);
        for (var i = 0; i < drafts; i++)
        {
            _drafted[i]++;
        }
    }

    public void Add(PositionAcceptance other)
    {
        Grow(other.Positions);
        for (var i = 0; i < other.Positions; i++)
        {
            _reached[i] += other._reached[i];
            _accepted[i] += other._accepted[i];
            _drafted[i] += other._drafted[i];
        }
    }

    /// <summary>P(draft at position i accepted | positions before it accepted), 1-based; NaN where never reached.</summary>
    public double ReachedRate(int position) => _reached[position - 1] == 0 ? double.NaN : (double)_accepted[position - 1] / _reached[position - 1];

    /// <summary>P(draft at position i accepted) over the steps that drafted it, 1-based; NaN without drafted counts.</summary>
    public double DraftedRate(int position) => _drafted[position - 1] == 0 ? double.NaN : (double)_accepted[position - 1] / _drafted[position - 1];

    private void AddChain(int accepted, bool rejectedNext)
    {
        for (var i = 0; i < accepted; i++)
        {
            _reached[i]++;
            _accepted[i]++;
        }

        if (rejectedNext)
        {
            _reached[accepted]++;
        }
    }

    private void Grow(int positions)
    {
        while (_reached.Count < positions)
        {
            _reached.Add(0);
            _accepted.Add(0);
            _drafted.Add(0);
        }
    }
}
