using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Sampling;
using static TorchSharp.torch;

namespace RlSpec.Drafter.NGram;

/// <summary>
/// Model-free prompt-lookup drafter: finds the most recent earlier occurrence of the context's last n tokens
/// (n from <see cref="MaxN"/> down to <see cref="MinN"/>) in the prompt and text so far, and proposes the tokens
/// that followed it. Deterministic, so q is one-hot. Free to run; wrong guesses still cost verification.
/// </summary>
public sealed class NGramDrafter(int minN = 1, int maxN = 3, Device? device = null) : IDrafter
{
    private readonly Device _device = device ?? CPU;

    public string Name => "ngram";

    public int MinN { get; } = minN >= 1 && maxN >= minN ? minN : throw new ArgumentException($"ngram: need 1 <= min_n <= max_n, got {minN}..{maxN}.");

    public int MaxN { get; } = maxN;

    public void Begin(int rows, SamplingParams sampling, int capacity)
    {
    }

    public DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, int k, TokenSampler sampler)
    {
        var tokens = new long[contexts.Count * k];
        var counts = new int[contexts.Count];
        for (var b = 0; b < contexts.Count; b++)
        {
            var proposal = Lookup(contexts[b], k);
            for (var i = 0; i < proposal.Count; i++)
            {
                tokens[(b * k) + i] = proposal[i];
            }

            counts[b] = proposal.Count;
        }

        return new DraftProposal(tensor(tokens, [contexts.Count, k], device: _device), null, counts);
    }

    /// <summary>The continuation of the latest earlier match of the longest matching suffix, up to k tokens.</summary>
    public IReadOnlyList<int> Lookup(IReadOnlyList<int> context, int k)
    {
        for (var n = Math.Min(MaxN, context.Count - 1); n >= MinN; n--)
        {
            var suffixStart = context.Count - n;
            for (var start = suffixStart - 1; start >= 0; start--)
            {
                if (Matches(context, start, suffixStart, n))
                {
                    var follow = start + n;
                    var take = Math.Min(k, context.Count - follow);
                    return Enumerable.Range(follow, take).Select(i => context[i]).ToList();
                }
            }
        }

        return [];
    }

    private static bool Matches(IReadOnlyList<int> context, int a, int b, int n)
    {
        for (var i = 0; i < n; i++)
        {
            if (context[a + i] != context[b + i])
            {
                return false;
            }
        }

        return true;
    }

    public void Commit(IReadOnlyList<int> accepted)
    {
    }

    public void CopyRow(int from, int to)
    {
    }

    public void ResetRow(int row)
    {
    }

    public void End()
    {
    }
}
