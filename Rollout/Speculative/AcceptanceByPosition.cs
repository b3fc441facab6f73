namespace RlSpec.Rollout.Speculative;

/// <summary>
/// How often the i-th draft token is accepted given that drafts 1..i−1 were, estimated from every verified row with
/// exponentially decaying counts (so it follows a drafter that drifts as the policy trains). Acceptance is not i.i.d.:
/// a drafter is surer of its first token than of its fourth, and reading E[τ] off the fraction of drafts accepted with
/// the geometric formula badly underestimates it (a 70 % accepted fraction at k = 4 is 3.8 tokens per step, where the
/// formula says 2.8). E[τ](k) = 1 + Σ_{i≤k} Π_{j≤i} p_j, from the p_j measured.
/// </summary>
public sealed class AcceptanceByPosition(int maxK, double decay = 0.05)
{
    private readonly double[] _judged = new double[maxK + 1];
    private readonly double[] _accepted = new double[maxK + 1];

    /// <summary>True once at least the first draft position has been judged.</summary>
    public bool HasValue => _judged[1] > 0;

    /// <summary>One verify step: row b proposed <paramref name="counts"/>[b] drafts and the first <paramref name="accepted"/>[b] were accepted.</summary>
    public void Observe(IReadOnlyList<int> counts, IReadOnlyList<int> accepted)
    {
        if (!counts.Any(c => c > 0))
        {
            return;
        }

        for (var i = 1; i <= maxK; i++)
        {
            (_judged[i], _accepted[i]) = (_judged[i] * (1 - decay), _accepted[i] * (1 - decay));
        }

        for (var b = 0; b < counts.Count; b++)
        {
            // Draft i is judged when it was proposed and every draft before it was accepted.
            for (var i = 1; i <= Math.Min(counts[b], maxK) && i <= accepted[b] + 1; i++)
            {
                _judged[i]++;
                _accepted[i] += accepted[b] >= i ? 1 : 0;
            }
        }
    }

    /// <summary>Estimated P(draft i accepted | drafts before it accepted); a position never judged takes the nearest judged one's rate.</summary>
    public double Conditional(int i)
    {
        for (var j = Math.Min(i, maxK); j >= 1; j--)
        {
            if (_judged[j] > 0)
            {
                return _accepted[j] / _judged[j];
            }
        }

        return 0;
    }

    /// <summary>Expected tokens emitted per verify step with k drafts (1 at k = 0).</summary>
    public double ExpectedTokens(int k)
    {
        var (tokens, reach) = (1.0, 1.0);
        for (var i = 1; i <= k; i++)
        {
            reach *= Conditional(i);
            tokens += reach;
        }

        return tokens;
    }
}
