namespace RlSpec.Rollout.Benchmarks;

/// <summary>
/// The order in which a benchmark's methods run in each repeat, chosen so that every method runs right after every
/// method (itself included, across a repeat's boundary) about equally often. A run leaves the machine to the next one
/// in its own state (caches, the allocator's pools, a speculative engine's wider activations), and a rotated order puts
/// the same method after a given one in two of every three repeats with three methods, so any such carry-over biases
/// a ratio. In this project's `bench rollout` logs the adaptive/plain ratio of a repeat moved by up to 4 % with what ran
/// before each, though not the same way in every set (`experiments/speculative-rollouts/results/budget/order.py`); a
/// balanced order makes the comparison fair whichever way it goes. Each repeat takes the permutation (the rotations,
/// beyond five methods) that adds least to the counts of who followed whom so far, the identity first.
/// </summary>
public sealed class InterleavedOrder
{
    private readonly int[,] _followed;
    private readonly IReadOnlyList<int[]> _candidates;
    private int? _last;

    public InterleavedOrder(int methods)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(methods, 1);
        _followed = new int[methods, methods];
        _candidates = methods <= 5
            ? Permutations([.. Enumerable.Range(0, methods)]).ToList()
            : [.. Enumerable.Range(0, methods).Select(s => Enumerable.Range(0, methods).Select(i => (i + s) % methods).ToArray())];
    }

    /// <summary>The next repeat's order: method indices, each once.</summary>
    public IReadOnlyList<int> Next()
    {
        var best = _candidates.MinBy(Cost)!;
        foreach (var (before, after) in Pairs(best))
        {
            _followed[before, after]++;
        }

        _last = best[^1];
        return [.. best];
    }

    /// <summary>How often the pairs this order would add have already run one after the other (the lowest is the most balanced).</summary>
    private int Cost(int[] order) => Pairs(order).Sum(p => _followed[p.Before, p.After]);

    private IEnumerable<(int Before, int After)> Pairs(int[] order)
    {
        var previous = _last;
        foreach (var m in order)
        {
            if (previous is { } p)
            {
                yield return (p, m);
            }

            previous = m;
        }
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Length; i++)
        {
            foreach (var rest in Permutations([.. items[..i], .. items[(i + 1)..]]))
            {
                yield return [items[i], .. rest];
            }
        }
    }
}
