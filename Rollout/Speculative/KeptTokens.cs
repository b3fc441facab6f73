namespace RlSpec.Rollout.Speculative;

/// <summary>
/// The fraction of the tokens verify steps confirm that their rows keep. A row that ends (EOS, a stop string, its budget)
/// inside its accepted drafts drops the rest: verified work that plain decoding never does, and that acceptance by
/// position cannot see. On short completions it is a few percent of a speculative step's yield, as much as the margin
/// speculation wins or loses by on a full batch. Decaying counts, like <see cref="AcceptanceByPosition"/>.
/// </summary>
public sealed class KeptTokens(double decay = 0.05)
{
    private double _confirmed;
    private double _kept;

    /// <summary>Kept over confirmed; 1 before any speculative step.</summary>
    public double Fraction => _confirmed > 0 ? _kept / _confirmed : 1.0;

    /// <param name="confirmed">Tokens the step confirmed over its rows: accepted drafts plus the one sampled after them.</param>
    /// <param name="kept">Tokens its rows appended (the rest came after a row's end).</param>
    public void Observe(long confirmed, long kept)
    {
        if (confirmed <= 0)
        {
            return;
        }

        (_confirmed, _kept) = ((_confirmed * (1 - decay)) + confirmed, (_kept * (1 - decay)) + Math.Min(kept, confirmed));
    }
}
