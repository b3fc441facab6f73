using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Mtp;

/// <summary>
/// Drafts from the policy's multi-token-prediction heads: the final hidden state that produced the pending token
/// already holds a guess at the next few tokens, so k drafts cost k small head evaluations and no forward pass.
/// Drafts are sampled from each head's distribution processed like the policy's, and that distribution is q.
/// </summary>
public sealed class MtpDrafter(PolicyModel policy) : IHiddenStateDrafter
{
    private Tensor? _hidden;          // [rows, hidden] at each row's pending-token position
    private bool[] _valid = [];
    private SamplingParams _sampling = new();

    public string Name => "mtp";

    public IReadOnlyCollection<int> CaptureLayers => [policy.FinalLayer];

    public void Begin(int rows, SamplingParams sampling, int capacity)
    {
        if (policy.Config.MtpHeads == 0)
        {
            throw new InvalidOperationException("mtp drafter: the policy has no MTP heads (train them with `rlspec train-mtp`).");
        }

        End();
        _sampling = sampling;
        _valid = new bool[rows];
        _hidden = zeros([rows, policy.Config.HiddenSize], policy.DType, policy.Device).DetachFromDisposeScope();   // in the policy's dtype, like the states it holds
    }

    public void ObserveHidden(IReadOnlyDictionary<int, Tensor> hidden, int firstRow, IReadOnlyList<int> committed, IReadOnlyList<IReadOnlyList<int>> nextTokens)
    {
        var all = Hidden();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var states = hidden[policy.FinalLayer];                                                    // [m, T, H]
        var rows = committed.Count;
        var last = states[TensorArithmetic.Arange(rows, states.device), tensor(committed.Select(c => (long)Math.Max(c - 1, 0)).ToArray(), device: states.device)];
        var fresh = tensor(committed.Select(c => c > 0).ToArray(), device: states.device).unsqueeze(1);
        var view = all.narrow(0, firstRow, rows);
        view.copy_(where(fresh, last.to_type(view.dtype), view));
        for (var b = 0; b < rows; b++)
        {
            _valid[firstRow + b] |= committed[b] > 0;
        }
    }

    public DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, int k, TokenSampler sampler)
    {
        var hidden = Hidden();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var live = contexts.Count;
        var width = Math.Min(k, policy.Config.MtpHeads);
        var logits = policy.MtpLogits(hidden.narrow(0, 0, live)).narrow(1, 0, width);             // [n, k, V]
        var vocab = logits.shape[2];
        var q = LogitsProcessor.ToProbabilities(logits.reshape(-1, vocab), _sampling).view(live, width, vocab);
        var tokens = sampler.Sample(q.view(-1, vocab)).view(live, width);
        var counts = Enumerable.Range(0, live).Select(b => _valid[b] ? width : 0).ToArray();
        return new DraftProposal(tokens.MoveToOuterDisposeScope(), q.MoveToOuterDisposeScope(), counts);
    }

    public void Commit(IReadOnlyList<int> accepted)
    {
    }

    public void CopyRows(IReadOnlyList<int> from, IReadOnlyList<int> to)
    {
        var hidden = Hidden();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (source, target) = (tensor(from.Select(r => (long)r).ToArray(), device: hidden.device), tensor(to.Select(r => (long)r).ToArray(), device: hidden.device));
        hidden.index_copy_(0, target, hidden.index_select(0, source));
        var valid = from.Select(r => _valid[r]).ToArray();
        for (var i = 0; i < to.Count; i++)
        {
            _valid[to[i]] = valid[i];
        }
    }

    /// <summary>Nothing to do: the prompt reaches this drafter through the prefill's hidden states or its context.</summary>
    public void Prefill(int firstRow, IReadOnlyList<IReadOnlyList<int>> prompts)
    {
    }

    public void ResetRow(int row) => _valid[row] = false;

    public void End()
    {
        _hidden?.Dispose();
        _hidden = null;
    }

    private Tensor Hidden() => _hidden ?? throw new InvalidOperationException("mtp drafter: used before Begin.");
}
