using static TorchSharp.torch;

namespace RlSpec.Drafter.Drafting;

/// <summary>
/// A drafter that reads the policy's own hidden states (MTP heads, EAGLE). The speculative decoder captures the
/// requested layers in the forwards it runs anyway (prefill and every verify) and hands them over with what was
/// committed, so drafting needs no extra policy forward.
/// </summary>
public interface IHiddenStateDrafter : IDrafter
{
    /// <summary>Layers to capture, as keys of <c>ForwardOutput.Hidden</c> (number of layers applied).</summary>
    IReadOnlyCollection<int> CaptureLayers { get; }

    /// <summary>
    /// Called after every prefill and verify forward with the states [m, T, hidden] of the T positions fed to rows
    /// <paramref name="firstRow"/> .. firstRow+m−1. Row i's first <paramref name="committed"/>[i] positions are now part
    /// of its sequence (0 = nothing new), and <paramref name="nextTokens"/>[i][j] is the token that follows committed
    /// position j, so the last committed position's output is the row's pending token. The tensors belong to the
    /// caller: keep copies.
    /// </summary>
    void ObserveHidden(IReadOnlyDictionary<int, Tensor> hidden, int firstRow, IReadOnlyList<int> committed, IReadOnlyList<IReadOnlyList<int>> nextTokens);

    /// <summary>
    /// Reads the observed states the drafter deferred (see <c>Eagle.PairContext</c>) for rows firstRow..firstRow+rows−1
    /// (default: all); <c>Propose</c> reads the rest of the rows it drafts for itself, never a parked row's. The decoder calls it right after a prefill, so a prompt is
    /// read once in its parking row before being copied to its samples, and before drafting after plain steps, so it
    /// can time that catch-up apart from drafting's steady cost. With <paramref name="newest"/>, each row reads only its
    /// newest that many deferred positions and skips the rest (a bounded cost to resume speculation after plain steps).
    /// Returns the rows that skipped some: their drafting context now has a gap, so until they end they may be accepted
    /// less often than steady speculation would be (what is sampled never changes).
    /// </summary>
    IReadOnlyList<int> CatchUp(int firstRow = 0, int rows = int.MaxValue, int newest = int.MaxValue) => [];

    /// <summary>
    /// Forgets every row's deferred positions but the newest <paramref name="newest"/>: the most a resume reads (see
    /// <see cref="CatchUp"/>), so a long plain stretch does not keep states no resume will read. A row cut this way is
    /// returned by its next <see cref="CatchUp"/> as having skipped positions.
    /// </summary>
    void TrimDeferred(int newest)
    {
    }
}
