using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Sampling;
using static TorchSharp.torch;

namespace RlSpec.Drafter.RandomTokens;

/// <summary>
/// A deliberately poor drafter for tests: each proposal is drawn from a fresh random distribution over the whole
/// vocabulary, and that distribution is reported as q. Verification must stay exact whatever it proposes.
/// </summary>
public sealed class RandomDrafter(int vocabSize, Device? device = null) : IDrafter
{
    private readonly Device _device = device ?? CPU;

    public string Name => "random";

    public void Begin(int rows, SamplingParams sampling, int capacity)
    {
    }

    public DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, int k, TokenSampler sampler)
    {
        using var scope = NewDisposeScope();
        var batch = contexts.Count;
        // Gumbel noise at scale 2 gives peaked but arbitrary distributions, from the sampler's own stream.
        var gumbel = -(-sampler.Uniform([batch, k, vocabSize], _device).ClampMin(1e-12).log()).log();
        var q = gumbel.Times(2).softmax(-1);                                          // [B, k, V]
        var tokens = sampler.Sample(q.view(-1, vocabSize)).view(batch, k);        // [B, k]
        var counts = Enumerable.Repeat(k, batch).ToArray();
        return new DraftProposal(tokens.MoveToOuterDisposeScope(), q.MoveToOuterDisposeScope(), counts);
    }

    public void Commit(IReadOnlyList<int> accepted)
    {
    }

    public void CopyRows(IReadOnlyList<int> from, IReadOnlyList<int> to)
    {
    }

    /// <summary>Nothing to do: the prompt reaches this drafter through the prefill's hidden states or its context.</summary>
    public void Prefill(int firstRow, IReadOnlyList<IReadOnlyList<int>> prompts)
    {
    }

    public void ResetRow(int row)
    {
    }

    public void End()
    {
    }
}
