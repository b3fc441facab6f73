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
    private KvCache? _cache;
    private Tensor? _last;            // [rows, hidden]: head output at each row's newest committed pair
    private bool[] _valid = [];
    private SamplingParams _sampling = new();

    public string Name => "eagle";

    public EagleHead Head => head;

    public IReadOnlyCollection<int> CaptureLayers => [.. head.Config.FeatureLayers];

    public void Begin(int rows, SamplingParams sampling, int capacity)
    {
        End();
        _sampling = sampling;
        _valid = new bool[rows];
        _cache = head.NewCache(rows, capacity, policy.Device);
        _last = zeros([rows, policy.Config.HiddenSize], device: policy.Device).DetachFromDisposeScope();
    }

    public void ObserveHidden(IReadOnlyDictionary<int, Tensor> hidden, int firstRow, IReadOnlyList<int> committed, IReadOnlyList<IReadOnlyList<int>> nextTokens)
    {
        var (cache, states) = State();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var features = cat(head.Config.FeatureLayers.Select(l => hidden[l]).ToList(), -1);              // [m, T, F]
        var (rows, time) = (features.shape[0], features.shape[1]);
        var next = new long[rows * time];
        for (var b = 0; b < rows; b++)
        {
            for (var i = 0; i < committed[b]; i++)
            {
                next[(b * time) + i] = nextTokens[b][i];
            }
        }

        var outputs = head.Extend(head.ContextInputs(policy, features, tensor(next, [rows, time], device: policy.Device)), cache.Slice(firstRow, (int)rows), committed);
        var last = outputs[arange(rows, device: policy.Device), tensor(committed.Select(c => (long)Math.Max(c - 1, 0)).ToArray(), device: policy.Device)];
        var fresh = tensor(committed.Select(c => c > 0).ToArray(), device: policy.Device).unsqueeze(1);
        var view = states.narrow(0, firstRow, rows);
        view.copy_(where(fresh, last, view));
        for (var b = 0; b < rows; b++)
        {
            _valid[firstRow + b] |= committed[b] > 0;
        }
    }

    public DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, int k, TokenSampler sampler)
    {
        var (whole, states) = State();
        if (k > head.Config.MaxChain)
        {
            throw new ArgumentException($"eagle: draft length {k} exceeds the head's max_chain ({head.Config.MaxChain}).");
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var live = contexts.Count;
        var cache = whole.Slice(0, live);
        var lengths = cache.Lengths.ToArray();
        var state = states.narrow(0, 0, live);
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

        var counts = Enumerable.Range(0, live).Select(b => _valid[b] ? k : 0).ToArray();
        return new DraftProposal(stack(drafted, 1).MoveToOuterDisposeScope(), stack(q, 1).MoveToOuterDisposeScope(), counts);
    }

    public void Commit(IReadOnlyList<int> accepted)
    {
    }

    public void CopyRow(int from, int to)
    {
        var (cache, states) = State();
        cache.CopyRow(from, to);
        using var noGrad = no_grad();
        states[to].copy_(states[from]);
        _valid[to] = _valid[from];
    }

    public void ResetRow(int row)
    {
        State().Cache.Rollback(row, 0);
        _valid[row] = false;
    }

    public void End()
    {
        _cache?.Dispose();
        _cache = null;
        _last?.Dispose();
        _last = null;
    }

    private (KvCache Cache, Tensor Last) State() =>
        _cache is { } cache && _last is { } last ? (cache, last) : throw new InvalidOperationException("eagle drafter: used before Begin.");
}
