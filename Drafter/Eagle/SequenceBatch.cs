using RlSpec.Drafter.Alignment;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Eagle;

/// <summary>
/// Supervision records right-padded to one length T (their longest row count), as training-time-test unrolling
/// reads them: features per row, the tokens following each row at any offset, and the policy's distribution at
/// any later row, with a mask of which (chain start, step) pairs are real draft targets.
/// </summary>
public sealed class SequenceBatch : IDisposable
{
    private readonly Tensor _tokens;      // [N, T + depth + 2] whole sequences, zero padded
    private readonly Tensor _rows;        // [N, 1] row counts
    private readonly Tensor _firstChain;  // [N, 1] first chain start that drafts completion tokens

    public SequenceBatch(IReadOnlyList<SupervisionRecord> records, int depth, Device device)
    {
        Time = records.Max(r => r.Length);
        var width = Time + depth + 2;
        var tokens = new long[records.Count * width];
        for (var n = 0; n < records.Count; n++)
        {
            for (var i = 0; i < records[n].Tokens.Length; i++)
            {
                tokens[(n * width) + i] = records[n].Tokens[i];
            }
        }

        _tokens = tensor(tokens, [records.Count, width], device: device);
        _rows = tensor(records.Select(r => (long)r.Length).ToArray(), device: device).unsqueeze(1);
        _firstChain = tensor(records.Select(r => (long)Math.Max(r.PromptRows - 1, 0)).ToArray(), device: device).unsqueeze(1);
        Features = stack(records.Select(r => Pad(r.Features)).ToList()).to(device);
        var indices = records[0].Teacher.Indices is null ? null : stack(records.Select(r => Pad(r.Teacher.Indices!)).ToList()).to(device);
        Teacher = new TeacherDistribution(stack(records.Select(r => Pad(r.Teacher.LogProbs)).ToList()).to(device), indices);
    }

    /// <summary>Padded row count T.</summary>
    public int Time { get; }

    /// <summary>Features [N, T, F].</summary>
    public Tensor Features { get; }

    /// <summary>Policy distributions [N, T, K].</summary>
    public TeacherDistribution Teacher { get; }

    /// <summary>The token <paramref name="offset"/>+1 places after each row [N, T].</summary>
    public Tensor TokensAfter(int offset) => _tokens.narrow(1, offset + 1, Time);

    /// <summary>The policy's distribution <paramref name="offset"/>+1 rows after each row (what step <paramref name="offset"/> of a chain is scored against).</summary>
    public TeacherDistribution TeacherAfter(int offset) => new(Shift(Teacher.LogProbs, offset + 1), Teacher.Indices is null ? null : Shift(Teacher.Indices, offset + 1));

    /// <summary>1 where chain c's step <paramref name="offset"/> drafts a real completion token [N, T].</summary>
    public Tensor Valid(int offset)
    {
        var start = TensorArithmetic.Arange(Time, _rows.device).unsqueeze(0);
        return ((start.Plus(offset + 1) < _rows) & (start >= _firstChain)).to_type(ScalarType.Float32);
    }

    private Tensor Pad(Tensor rows) => nn.functional.pad(rows, [0, 0, 0, Time - rows.shape[0]]);

    private Tensor Shift(Tensor x, int by) => nn.functional.pad(x.narrow(1, by, Time - by), [0, 0, 0, by]);

    public void Dispose()
    {
        _tokens.Dispose();
        _rows.Dispose();
        _firstChain.Dispose();
        Features.Dispose();
        Teacher.Dispose();
    }
}
