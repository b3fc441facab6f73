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
    private Tensor? _hidden;          // [B, hidden] at each row's pending-token position
    private bool[] _valid = [];
    private SamplingParams _sampling = new();

    public string Name => "mtp";

    public IReadOnlyCollection<int> CaptureLayers => [policy.FinalLayer];

    public void Begin(IReadOnlyList<IReadOnlyList<int>> prompts, SamplingParams sampling, int capacity)
    {
        if (policy.Config.MtpHeads == 0)
        {
            throw new InvalidOperationException("mtp drafter: the policy has no MTP heads (train them with `rlspec train-mtp`).");
        }

        _sampling = sampling;
        _valid = new bool[prompts.Count];
    }

    public void ObserveHidden(IReadOnlyDictionary<int, Tensor> hidden, IReadOnlyList<int> committed, IReadOnlyList<IReadOnlyList<int>> nextTokens)
    {
        using var scope = NewDisposeScope();
        var states = hidden[policy.FinalLayer].detach();                                          // [B, T, H]
        var last = states[arange(committed.Count, device: states.device), tensor(committed.Select(c => (long)Math.Max(c - 1, 0)).ToArray(), device: states.device)];
        var fresh = tensor(committed.Select(c => c > 0).ToArray(), device: states.device).unsqueeze(1);
        var merged = _hidden is null ? last : where(fresh, last, _hidden);
        _hidden?.Dispose();
        _hidden = merged.clone().DetachFromDisposeScope();
        for (var b = 0; b < committed.Count; b++)
        {
            _valid[b] |= committed[b] > 0;
        }
    }

    public DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, IReadOnlyList<bool> active, int k, TokenSampler sampler)
    {
        var hidden = _hidden ?? throw new InvalidOperationException("mtp drafter: Propose before any hidden state was observed.");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var width = Math.Min(k, policy.Config.MtpHeads);
        var logits = policy.MtpLogits(hidden).narrow(1, 0, width);                             // [B, k, V]
        var (batch, vocab) = (logits.shape[0], logits.shape[2]);
        var q = LogitsProcessor.ToProbabilities(logits.reshape(-1, vocab), _sampling).view(batch, width, vocab);
        var tokens = sampler.Sample(q.view(-1, vocab)).view(batch, width);
        var counts = active.Select((a, b) => a && _valid[b] ? width : 0).ToArray();
        return new DraftProposal(tokens.MoveToOuterDisposeScope(), q.MoveToOuterDisposeScope(), counts);
    }

    public void Commit(IReadOnlyList<int> accepted)
    {
    }

    public void End()
    {
        _hidden?.Dispose();
        _hidden = null;
    }
}
