namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Counters of a speculative generation. Acceptance length is tokens emitted per row per verify step (accepted
/// drafts + the recovered/bonus token), averaged over steps in which the row was still generating.
/// </summary>
public sealed class SpeculationStats
{
    public long Steps { get; private set; }

    public long RowSteps { get; private set; }

    public long Proposed { get; private set; }

    public long Accepted { get; private set; }

    public long Bonus { get; private set; }

    public long Emitted { get; private set; }

    public double DraftSeconds { get; private set; }

    public double VerifySeconds { get; private set; }

    public double SampleSeconds { get; private set; }

    public double BookkeepingSeconds { get; private set; }

    public Dictionary<int, long> StepsByK { get; } = [];

    /// <summary>Accepted draft tokens per row and position: index i counts rows whose (i+1)-th draft was accepted.</summary>
    public long[] AcceptedAtPosition { get; private set; } = [];

    /// <summary>Proposed draft tokens per position: index i counts rows that proposed an (i+1)-th draft.</summary>
    public long[] ProposedAtPosition { get; private set; } = [];

    /// <summary>Fraction of row-steps that proposed drafts and had every one accepted (their final token is a bonus draw from p).</summary>
    public double BonusFraction => RowSteps == 0 ? 0 : (double)Bonus / RowSteps;

    public double AcceptanceLength => RowSteps == 0 ? 0 : (double)Emitted / RowSteps;

    public double AcceptanceRate => Proposed == 0 ? 0 : (double)Accepted / Proposed;

    /// <summary>One verify step over the live rows: k asked of the drafter, and per row the drafts proposed, accepted and tokens emitted.</summary>
    public void AddStep(int k, IReadOnlyList<int> proposed, IReadOnlyList<int> accepted, IReadOnlyList<int> emitted)
    {
        Steps++;
        StepsByK[k] = StepsByK.GetValueOrDefault(k) + 1;
        if (AcceptedAtPosition.Length < k)
        {
            AcceptedAtPosition = [.. AcceptedAtPosition, .. new long[k - AcceptedAtPosition.Length]];
            ProposedAtPosition = [.. ProposedAtPosition, .. new long[k - ProposedAtPosition.Length]];
        }

        for (var b = 0; b < proposed.Count; b++)
        {
            RowSteps++;
            Proposed += proposed[b];
            Accepted += accepted[b];
            Emitted += emitted[b];
            Bonus += proposed[b] > 0 && accepted[b] == proposed[b] ? 1 : 0;
            for (var i = 0; i < proposed[b]; i++)
            {
                ProposedAtPosition[i]++;
                AcceptedAtPosition[i] += i < accepted[b] ? 1 : 0;
            }
        }
    }

    /// <summary>Adds another call's counters (benchmarks pool repeats).</summary>
    public void Add(SpeculationStats other)
    {
        (Steps, RowSteps, Proposed, Accepted, Bonus, Emitted) = (Steps + other.Steps, RowSteps + other.RowSteps, Proposed + other.Proposed,
            Accepted + other.Accepted, Bonus + other.Bonus, Emitted + other.Emitted);
        AddTimes(other.DraftSeconds, other.VerifySeconds, other.SampleSeconds, other.BookkeepingSeconds);
        foreach (var (k, n) in other.StepsByK)
        {
            StepsByK[k] = StepsByK.GetValueOrDefault(k) + n;
        }

        var width = Math.Max(AcceptedAtPosition.Length, other.AcceptedAtPosition.Length);
        AcceptedAtPosition = [.. Enumerable.Range(0, width).Select(i => AcceptedAtPosition.ElementAtOrDefault(i) + other.AcceptedAtPosition.ElementAtOrDefault(i))];
        ProposedAtPosition = [.. Enumerable.Range(0, width).Select(i => ProposedAtPosition.ElementAtOrDefault(i) + other.ProposedAtPosition.ElementAtOrDefault(i))];
    }

    public void AddTimes(double draft, double verify, double sample, double bookkeeping)
    {
        DraftSeconds += draft;
        VerifySeconds += verify;
        SampleSeconds += sample;
        BookkeepingSeconds += bookkeeping;
    }
}
