using static TorchSharp.torch;

namespace RlSpec.Policy.Training;

/// <summary>Right-pads token lists into an id tensor [B, T] and reports each row's real length.</summary>
public static class PaddedBatch
{
    public static (Tensor Ids, int[] Lengths) Build(IReadOnlyList<IReadOnlyList<int>> rows, int padId, Device device)
    {
        var width = Math.Max(1, rows.Max(r => r.Count));
        var flat = new long[rows.Count * width];
        Array.Fill(flat, padId);
        for (var b = 0; b < rows.Count; b++)
        {
            for (var t = 0; t < rows[b].Count; t++)
            {
                flat[(b * width) + t] = rows[b][t];
            }
        }

        return (tensor(flat, [rows.Count, width], device: device), rows.Select(r => r.Count).ToArray());
    }
}
