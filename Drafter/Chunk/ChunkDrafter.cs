using RlSpec.Drafter.Drafting;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Chunk;

/// <summary>
/// The chunk drafter: all k draft tokens from one forward of a light head beside the frozen policy. The policy is the
/// frozen half: it reads the prompt and holds the context, and its prefill and verify forwards already computed the
/// fused low/mid/high features the head's context cache is built from (as EAGLE's). The trained half is a one-layer
/// decoder (an <see cref="EagleHead"/> with <see cref="EagleConfig.Chunk"/>) whose output at the newest committed pair
/// gives the first draft and whose k−1 learned placeholder positions give the rest, in one forward whatever k is.
/// Each position's tokens are drawn independently from its processed distribution, which is the exact q of that draft
/// given the ones before it (it does not depend on them), so verification stays lossless.
/// </summary>
public sealed class ChunkDrafter : IHiddenStateDrafter
{
    private readonly PolicyModel _policy;
    private readonly EagleHead _head;
    private PairContext? _context;
    private SamplingParams _sampling = new();

    public ChunkDrafter(PolicyModel policy, EagleHead head)
    {
        (_policy, _head) = (policy, head.Config.Chunk ? head : throw new ArgumentException("chunk drafter: the head was built for sequential drafting (EagleConfig.Chunk is false)."));
    }

    public string Name => "chunk";

    public EagleHead Head => _head;

    public IReadOnlyCollection<int> CaptureLayers => [.. _head.Config.FeatureLayers];

    public void Begin(int rows, SamplingParams sampling, int capacity)
    {
        End();
        _sampling = sampling;
        _context = PairContext.Begin(_policy, _head, rows, capacity);
    }

    public void ObserveHidden(IReadOnlyDictionary<int, Tensor> hidden, int firstRow, IReadOnlyList<int> committed, IReadOnlyList<IReadOnlyList<int>> nextTokens) =>
        Context().Observe(hidden, firstRow, committed, nextTokens);

    public DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, int k, TokenSampler sampler)
    {
        var context = Context();
        context.Flush();
        if (k > _head.Config.MaxChain)
        {
            throw new ArgumentException($"chunk: draft length {k} exceeds the head's max_chain ({_head.Config.MaxChain}).");
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var live = contexts.Count;
        var cache = context.Cache.Slice(0, live);
        var lengths = cache.Lengths.ToArray();
        var logits = _head.DraftChunk(_policy, context.Last.narrow(0, 0, live), cache, k);                   // [n, k, V]
        for (var b = 0; b < live; b++)
        {
            cache.Rollback(b, lengths[b]);   // placeholders are scratch
        }

        var vocab = logits.shape[2];
        var q = LogitsProcessor.ToProbabilities(logits.reshape(-1, vocab), _sampling).view(live, k, vocab);
        var tokens = sampler.Sample(q.view(-1, vocab)).view(live, k);
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

    public void CatchUp(int firstRow = 0, int rows = int.MaxValue) => Context().Flush(firstRow, rows);

    public void CopyRows(IReadOnlyList<int> from, IReadOnlyList<int> to) => Context().CopyRows(from, to);

    public void ResetRow(int row) => Context().ResetRow(row);

    public void End()
    {
        _context?.Dispose();
        _context = null;
    }

    private PairContext Context() => _context ?? throw new InvalidOperationException("chunk drafter: used before Begin.");
}
