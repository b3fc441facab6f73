using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Training;
using static TorchSharp.torch;

namespace RlSpec.Drafter.DraftModel;

/// <summary>
/// A small separate decoder with the policy's tokenizer and its own KV cache. It samples k tokens autoregressively
/// from its own distribution, processed with the same temperature/top-k/top-p as the policy, and reports that
/// distribution as q. Its cache catches up lazily: each proposal first feeds whatever committed tokens it has
/// not seen (ragged per row), so steps where speculation is switched off cost the drafter nothing.
/// </summary>
public sealed class DraftModelDrafter(PolicyModel draft, int padId) : IDrafter
{
    private KvCache? _cache;
    private SamplingParams _sampling = new();
    private int[] _committedLengths = [];
    private int _lastK;

    public string Name => "draft-model";

    public PolicyModel Model => draft;

    public void Begin(int rows, SamplingParams sampling, int capacity)
    {
        End();
        _sampling = sampling;
        _cache = draft.NewCache(rows, capacity);
    }

    public DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, int k, TokenSampler sampler)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var batch = contexts.Count;
        var cache = Cache().Slice(0, batch);
        var missing = contexts.Select((c, b) => k > 0 ? c.Skip(cache.Lengths[b]).ToList() : []).ToList();
        _committedLengths = cache.Lengths.Select((l, b) => l + missing[b].Count).ToArray();
        _lastK = k;
        if (k == 0)
        {
            return new DraftProposal(zeros([batch, 0], ScalarType.Int64, device: draft.Device), null, new int[batch]);
        }

        var (ids, counts) = PaddedBatch.Build(missing.Select(m => (IReadOnlyList<int>)m).ToList(), padId, draft.Device);
        var logits = draft.Forward(ids, cache, counts).Logits;                                   // [B, T, V]
        var last = tensor(counts.Select(c => (long)Math.Max(c - 1, 0)).ToArray(), device: draft.Device);
        var next = logits[TensorArithmetic.Arange(batch, draft.Device), last];                            // [B, V]
        var tokens = new List<Tensor>();
        var probs = new List<Tensor>();
        for (var i = 0; i < k; i++)
        {
            if (i > 0)
            {
                // A row at the context limit feeds padding (its drafts there are past what the verifier may check).
                var fits = cache.Lengths.Select(l => l < draft.Config.MaxPositions ? 1 : 0).ToArray();
                next = draft.Forward(tokens[^1], cache, fits).Logits.squeeze(1);
            }

            var p = LogitsProcessor.ToProbabilities(next, _sampling);                            // [B, V]
            tokens.Add(sampler.Sample(p).unsqueeze(1));                                          // [B, 1]
            probs.Add(p.unsqueeze(1));
        }

        return new DraftProposal(cat(tokens, 1).MoveToOuterDisposeScope(), cat(probs, 1).MoveToOuterDisposeScope(), Enumerable.Repeat(k, batch).ToArray());
    }

    /// <summary>Keeps the accepted drafts that were fed (the k-th never is) and drops the rest.</summary>
    public void Commit(IReadOnlyList<int> accepted)
    {
        if (_lastK == 0)
        {
            return;
        }

        var cache = Cache();
        for (var b = 0; b < accepted.Count; b++)
        {
            cache.Rollback(b, Math.Min(cache.Lengths[b], _committedLengths[b] + Math.Min(accepted[b], _lastK - 1)));
        }
    }

    /// <summary>Feeds the prompts but their last token into these rows of the draft model's cache, so proposals only catch up on a few tokens.</summary>
    public void Prefill(int firstRow, IReadOnlyList<IReadOnlyList<int>> prompts)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var heads = prompts.Select(p => (IReadOnlyList<int>)p.Take(p.Count - 1).ToList()).ToList();
        if (heads.Any(h => h.Count > 0))
        {
            var (ids, counts) = PaddedBatch.Build(heads, padId, draft.Device);
            draft.Forward(ids, Cache().Slice(firstRow, prompts.Count), counts);
        }
    }

    /// <summary>The copy starts from whatever the source row had fed; the next proposal feeds the rest.</summary>
    public void CopyRows(IReadOnlyList<int> from, IReadOnlyList<int> to) => Cache().CopyRows(from, to);

    public void ResetRow(int row) => Cache().Rollback(row, 0);

    public void End()
    {
        _cache?.Dispose();
        _cache = null;
    }

    private KvCache Cache() => _cache ?? throw new InvalidOperationException("draft-model drafter: used before Begin.");
}
