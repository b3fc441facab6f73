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

    public double AcceptanceLength => RowSteps == 0 ? 0 : (double)Emitted / RowSteps;

    public double AcceptanceRate => Proposed == 0 ? 0 : (double)Accepted / Proposed;

    public void AddStep(int k, IReadOnlyList<int> proposed, IReadOnlyList<int> accepted, IReadOnlyList<int> emitted, IReadOnlyList<bool> active)
    {
        Steps++;
        StepsByK[k] = StepsByK.GetValueOrDefault(k) + 1;
        if (AcceptedAtPosition.Length < k)
        {
            AcceptedAtPosition = [.. AcceptedAtPosition, .. new long[k - AcceptedAtPosition.Length]];
        }

        for (var b = 0; b < active.Count; b++)
        {
            if (!active[b])
            {
                continue;
            }

            RowSteps++;
            Proposed += proposed[b];
            Accepted += accepted[b];
            Emitted += emitted[b];
            Bonus += proposed[b] > 0 && accepted[b] == proposed[b] ? 1 : 0;
            for (var i = 0; i < accepted[b]; i++)
            {
                AcceptedAtPosition[i]++;
            }
        }
    }

    public void AddTimes(double draft, double verify, double sample, double bookkeeping)
    {
        DraftSeconds += draft;
        VerifySeconds += verify;
        SampleSeconds += sample;
        BookkeepingSeconds += bookkeeping;
    }
}
