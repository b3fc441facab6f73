using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Eagle;

/// <summary>
/// Drafts with an <see cref="EagleHead"/> from policy features the prefill and verify forwards already captured:
/// no extra policy forward. Committed positions enter the head's own KV cache as (features, next token) pairs;
/// the output at the newest pair guesses the token after the pending one, and each further draft appends one
/// (own state, drafted token) pair that is rolled back afterwards. Drafts are sampled from the head's
/// distribution processed like the policy's, and that processed distribution is the q the verifier corrects against.
/// </summary>
public sealed class EagleDrafter(PolicyModel policy, EagleHead head) : IHiddenStateDrafter
{
    private PairContext? _context;
    private SamplingParams _sampling = new();

    public string Name => "eagle";

    public EagleHead Head => head;

    public IReadOnlyCollection<int> CaptureLayers => [.. head.Config.FeatureLayers];

    public void Begin(int rows, SamplingParams sampling, int capacity)
    {
        End();
        _sampling = sampling;
        _context = PairContext.Begin(policy, head, rows, capacity);
    }

    public void ObserveHidden(IReadOnlyDictionary<int, Tensor> hidden, int firstRow, IReadOnlyList<int> committed, IReadOnlyList<IReadOnlyList<int>> nextTokens) =>
        Context().Observe(hidden, firstRow, committed, nextTokens);

    public DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, int k, TokenSampler sampler)
    {
        var context = Context();
        context.Flush();
        if (k > head.Config.MaxChain)
        {
            throw new ArgumentException($"eagle: draft length {k} exceeds the head's max_chain ({head.Config.MaxChain}).");
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var live = contexts.Count;
        var cache = context.Cache.Slice(0, live);
        var lengths = cache.Lengths.ToArray();
        var state = context.Last.narrow(0, 0, live);
        var q = new List<Tensor>();
        var drafted = new List<Tensor>();
        for (var j = 0; j < k; j++)
        {
            var probabilities = LogitsProcessor.ToProbabilities(policy.HeadLogits(state), _sampling);
            q.Add(probabilities);
            drafted.Add(sampler.Sample(probabilities));
            if (j + 1 < k)
            {
                state = head.Extend(head.Inputs(policy, state, drafted[^1]).unsqueeze(1), cache).squeeze(1);
            }
        }

        for (var b = 0; b < live; b++)
        {
            cache.Rollback(b, lengths[b]);   // draft pairs are scratch: the verify step re-adds what was committed
        }

        var counts = Enumerable.Range(0, live).Select(b => context.IsValid(b) ? k : 0).ToArray();
        return new DraftProposal(stack(drafted, 1).MoveToOuterDisposeScope(), stack(q, 1).MoveToOuterDisposeScope(), counts);
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

    private PairContext Context() => _context ?? throw new InvalidOperationException("eagle drafter: used before Begin.");
}
