namespace RlSpec.Rollout.Speculative;

/// <summary>
/// How one row's drafts fare against what the shared estimate (<see cref="AcceptanceByPosition"/>) expects of them: the
/// drafts it accepted over the drafts expected, both decayed per step of the row so they follow its latest drafts, and
/// shrunk towards 1 by <paramref name="priorDrafts"/> drafts' worth of the shared estimate, so one rejection does not
/// decide a row. One ratio per row rather than a rate per draft position: a row that rejects its first drafts rarely has
/// its later ones judged, and per position it would keep the shared rates there for most of its life.
/// </summary>
public sealed class RowAcceptance(double decay, double priorDrafts)
{
    private double _accepted;
    private double _expected;

    /// <summary>Accepted over expected drafts, shrunk towards 1 (exactly 1 before the row's first judged draft).</summary>
    public double Factor => (_accepted + priorDrafts) / (_expected + priorDrafts);

    /// <summary>One verify step of the row: it accepted <paramref name="accepted"/> drafts where the shared estimate expected <paramref name="expected"/>.</summary>
    public void Observe(int accepted, double expected)
    {
        _accepted = (_accepted * (1 - decay)) + accepted;
        _expected = (_expected * (1 - decay)) + expected;
    }

    /// <summary>
    /// Tokens the row is expected to emit per verify step with k drafts, from the shared estimate's
    /// <paramref name="sharedTokens"/> for that k: the accepted drafts it expects, scaled by <see cref="Factor"/>, at most k.
    /// </summary>
    public double ExpectedTokens(double sharedTokens, int k) => 1 + Math.Min(k, Factor * (sharedTokens - 1));
}
