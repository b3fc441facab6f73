using RlSpec.Policy.Model;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Eagle;

/// <summary>
/// What a head's drafting reads, per row: the head's KV cache of committed (features, next token) pairs, its output at
/// the newest pair (which guesses the token after the pending one), and whether the row has such a pair yet. Kept
/// current from the prefill and verify forwards' hidden states, so drafting needs no policy forward. Shared by the
/// sequential (<see cref="EagleDrafter"/>) and chunk (<see cref="Chunk.ChunkDrafter"/>) drafters.
/// </summary>
internal sealed class PairContext(PolicyModel policy, EagleHead head) : IDisposable
{
    private bool[] _valid = [];

    public KvCache Cache { get; private set; } = null!;

    /// <summary>Head output at each row's newest committed pair [rows, hidden].</summary>
    public Tensor Last { get; private set; } = null!;

    public bool IsValid(int row) => _valid[row];

    public static PairContext Begin(PolicyModel policy, EagleHead head, int rows, int capacity) => new(policy, head)
    {
        _valid = new bool[rows],
        Cache = head.NewCache(rows, capacity, policy.Device),
        Last = zeros([rows, policy.Config.HiddenSize], policy.DType, policy.Device).DetachFromDisposeScope(),   // in the policy's dtype, like the states it holds
    };

    /// <summary>Appends the committed positions of rows firstRow.. (see <c>IHiddenStateDrafter.ObserveHidden</c>).</summary>
    public void Observe(IReadOnlyDictionary<int, Tensor> hidden, int firstRow, IReadOnlyList<int> committed, IReadOnlyList<IReadOnlyList<int>> nextTokens)
    {
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

        var outputs = head.Extend(head.ContextInputs(policy, features, tensor(next, [rows, time], device: policy.Device)), Cache.Slice(firstRow, (int)rows), committed);
        var last = outputs[arange(rows, device: policy.Device), tensor(committed.Select(c => (long)Math.Max(c - 1, 0)).ToArray(), device: policy.Device)];
        var fresh = tensor(committed.Select(c => c > 0).ToArray(), device: policy.Device).unsqueeze(1);
        var view = Last.narrow(0, firstRow, rows);
        view.copy_(where(fresh, last, view));
        for (var b = 0; b < rows; b++)
        {
            _valid[firstRow + b] |= committed[b] > 0;
        }
    }

    public void CopyRows(IReadOnlyList<int> from, IReadOnlyList<int> to)
    {
        Cache.CopyRows(from, to);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (source, target) = (tensor(from.Select(r => (long)r).ToArray(), device: Last.device), tensor(to.Select(r => (long)r).ToArray(), device: Last.device));
        Last.index_copy_(0, target, Last.index_select(0, source));
        var valid = from.Select(r => _valid[r]).ToArray();
        for (var i = 0; i < to.Count; i++)
        {
            _valid[to[i]] = valid[i];
        }
    }

    public void ResetRow(int row)
    {
        Cache.Rollback(row, 0);
        _valid[row] = false;
    }

    public void Dispose()
    {
        Cache.Dispose();
        Last.Dispose();
    }
}
