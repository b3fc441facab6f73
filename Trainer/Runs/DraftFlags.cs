namespace RlSpec.Trainer.Runs;

/// <summary>
/// Per-token draft flags from a sample's per-verify-step counts. Each verify step emits, in order, its accepted drafts
/// (draft slots 1..a), then one more token: the resample at slot a+1 when a draft was rejected there, or the bonus
/// token (not a draft position) when all d drafts were accepted; a row that stops mid-block (EOS or a stop string in
/// the accepted drafts) emits fewer. So the flags are a function of the counts and the token count, which is also how
/// records written before the per-token keys existed get theirs.
/// </summary>
public static class DraftFlags
{
    /// <param name="draftCounts">Drafts proposed at each verify step (empty without speculation: every token is plain).</param>
    /// <param name="acceptCounts">Drafts accepted at each of those steps.</param>
    /// <param name="tokens">Response tokens of the sample.</param>
    public static (int[] Position, bool[] Accepted) Derive(IReadOnlyList<int> draftCounts, IReadOnlyList<int> acceptCounts, int tokens)
    {
        if (draftCounts.Count != acceptCounts.Count)
        {
            throw new ArgumentException($"{draftCounts.Count} draft counts but {acceptCounts.Count} accept counts.");
        }

        var (position, accepted) = (new int[tokens], new bool[tokens]);
        var at = 0;
        for (var step = 0; step < draftCounts.Count && at < tokens; step++)
        {
            var (drafted, kept) = (draftCounts[step], Math.Min(acceptCounts[step], draftCounts[step]));
            for (var i = 0; i <= kept && at < tokens; i++, at++)
            {
                // Slot i+1 exists when a draft stood there; past the last draft the token is the bonus.
                position[at] = i < drafted ? i + 1 : 0;
                accepted[at] = i < kept;
            }
        }

        return (position, accepted);
    }
}
