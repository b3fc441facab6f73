using static TorchSharp.torch;

namespace RlSpec.Policy.Sampling;

/// <summary>
/// The seeded source of every random draw in generation. Each sequence draws from its own <see cref="RandomStream"/>
/// keyed by (seed, sequence id); the generator <see cref="Bind"/>s the ids of the rows it is about to sample, and each
/// call draws, per bound row and in row order, the uniforms that row needs. So a sequence's tokens are a function of
/// the seed and its id alone, whatever the batch, slot or device it runs on. Uniforms are made on the host and moved
/// in one transfer; tokens are drawn on the probabilities' device by inverse CDF (<see cref="InverseCdf"/>).
/// </summary>
public sealed class TokenSampler(ulong seed)
{
    private readonly Dictionary<long, RandomStream> _streams = [];
    private long[] _rows = [];

    public ulong Seed { get; } = seed;

    /// <summary>Sequence ids of the rows the next draws are for (row i draws from sequence <c>ids[i]</c>'s stream).</summary>
    public void Bind(IReadOnlyList<long> ids) => _rows = [.. ids];

    /// <summary>The bound sequence ids; until <see cref="Bind"/> is called, rows 0..N−1 are sequences 0..N−1.</summary>
    public IReadOnlyList<long> Rows => _rows;

    /// <summary>One token per row of <paramref name="probs"/> [N, V], where N is a multiple m of the bound rows and
    /// rows b·m .. b·m+m−1 belong to bound row b; returns [N].</summary>
    public Tensor Sample(Tensor probs) => InverseCdf.Sample(probs, Uniform([probs.shape[0]], probs.device));

    /// <summary>
    /// Uniforms in [0, 1) shaped <paramref name="shape"/>, whose leading dimension is a multiple of the bound rows: each
    /// bound row fills its contiguous share from its own stream.
    /// </summary>
    public Tensor Uniform(long[] shape, Device device)
    {
        var total = shape.Aggregate(1L, (a, b) => a * b);
        var rows = RowsFor(shape[0]);
        var perRow = total / rows.Length;
        var values = new float[total];
        for (var r = 0; r < rows.Length; r++)
        {
            ref var stream = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_streams, rows[r], out var exists);
            if (!exists)
            {
                stream = new RandomStream(Seed, rows[r]);
            }

            for (var i = 0L; i < perRow; i++)
            {
                values[(r * perRow) + i] = stream.NextUniform();
            }
        }

        return tensor(values, shape, device: device);
    }

    private long[] RowsFor(long leading)
    {
        var rows = _rows.Length > 0 ? _rows : [.. Enumerable.Range(0, (int)leading).Select(i => (long)i)];
        if (leading % rows.Length != 0)
        {
            throw new ArgumentException($"sampler: {leading} leading rows is not a multiple of the {rows.Length} bound sequences.");
        }

        return rows;
    }
}
