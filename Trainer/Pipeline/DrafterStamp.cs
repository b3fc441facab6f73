using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Pipeline;

/// <summary>Which drafter weights a weights version carries: the policy version they were last aligned to and a short
/// hash of them, so a rollout record says exactly what drafted it and a stale drafter shows as a version lag.</summary>
/// <param name="Version">Policy version the drafter was last aligned to.</param>
/// <param name="Hash">First 12 hex digits of the SHA-256 over the weights (names and bytes, in name order); null when the
/// drafter's weights are not held by the trainer (draft-model and MTP drafters load their own files).</param>
public sealed record DrafterStamp(long Version, string? Hash)
{
    private const int HashDigits = 12;
    private const long ChunkElements = 1 << 20;

    public static string HashOf(IReadOnlyDictionary<string, Tensor> weights)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in weights.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name));
            using var scope = NewDisposeScope();
            var flat = tensor.detach().cpu().contiguous().view(-1);
            for (long start = 0; start < flat.numel(); start += ChunkElements)
            {
                sha.AppendData(flat.narrow(0, start, Math.Min(ChunkElements, flat.numel() - start)).bytes);
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset())[..HashDigits];
    }
}
