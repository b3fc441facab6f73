using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Eagle;

/// <summary>
/// What the EAGLE and chunk drafters share: a head beside the frozen policy, drafting from a <see cref="PairContext"/>
/// kept current from the policy's own forwards (deferred until drafting, moved and reset with the engine's rows).
/// Subclasses only turn the context into k drafts and their q.
/// </summary>
public abstract class HeadDrafter(PolicyModel policy, EagleHead head) : IHiddenStateDrafter
{
    private PairContext? _context;

    public abstract string Name { get; }

    public EagleHead Head => head;

    public IReadOnlyCollection<int> CaptureLayers => [.. head.Config.FeatureLayers];

    protected PolicyModel Policy => policy;

    /// <summary>The distribution drafts are processed into: the policy's sampling settings of this generation.</summary>
    protected SamplingParams Sampling { get; private set; } = new();

    public void Begin(int rows, SamplingParams sampling, int capacity)
    {
        End();
        Sampling = sampling;
        _context = PairContext.Begin(policy, head, rows, capacity);
    }

    public void ObserveHidden(IReadOnlyDictionary<int, Tensor> hidden, int firstRow, IReadOnlyList<int> committed, IReadOnlyList<IReadOnlyList<int>> nextTokens) =>
        Context().Observe(hidden, firstRow, committed, nextTokens);

    public DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, int k, TokenSampler sampler)
    {
        var context = Context();
        // The live rows only: a parked prompt is read once copied to a slot. The decoder has caught these rows up already
        // (CatchUp), which is where the rows that skipped positions are reported; what this flush would report is lost.
        context.Flush(0, contexts.Count);
        if (k > head.Config.MaxChain)
        {
            throw new ArgumentException($"{Name}: draft length {k} exceeds the head's max_chain ({head.Config.MaxChain}).");
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var live = contexts.Count;
        var cache = context.Cache.Slice(0, live);
        var lengths = cache.Lengths.ToArray();
        var (tokens, q) = Draft(context.Last.narrow(0, 0, live), cache, k, sampler);
        for (var b = 0; b < live; b++)
        {
            cache.Rollback(b, lengths[b]);   // draft positions are scratch: the verify step re-adds what was committed
        }

        var counts = Enumerable.Range(0, live).Select(b => context.IsValid(b) ? k : 0).ToArray();
        return new DraftProposal(tokens.MoveToOuterDisposeScope(), q.MoveToOuterDisposeScope(), counts);
    }

    public void Commit(IReadOnlyList<int> accepted)
    {
    }

    /// <summary>Nothing to do: the prompt reaches this drafter through the prefill's hidden states.</summary>
    public void Prefill(int firstRow, IReadOnlyList<IReadOnlyList<int>> prompts)
    {
    }

    public IReadOnlyList<int> CatchUp(int firstRow = 0, int rows = int.MaxValue, int newest = int.MaxValue) => Context().Flush(firstRow, rows, newest);

    public void TrimDeferred(int newest) => Context().Trim(newest);

    public void CopyRows(IReadOnlyList<int> from, IReadOnlyList<int> to) => Context().CopyRows(from, to);

    public void ResetRow(int row) => Context().ResetRow(row);

    public void End()
    {
        _context?.Dispose();
        _context = null;
    }

    /// <summary>
    /// k drafts [n, k] and the processed distributions they were drawn from [n, k, V], from the head's output at each
    /// row's newest committed pair (<paramref name="last"/> [n, hidden]) and its cache of those pairs, which the drafter
    /// may extend: the positions it adds are rolled back afterwards.
    /// </summary>
    protected abstract (Tensor Tokens, Tensor Q) Draft(Tensor last, KvCache cache, int k, TokenSampler sampler);

    private PairContext Context() => _context ?? throw new InvalidOperationException($"{Name} drafter: used before Begin.");
}
