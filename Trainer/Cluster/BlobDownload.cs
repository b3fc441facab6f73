using System.Security.Cryptography;

namespace RlSpec.Trainer.Cluster;

/// <summary>
/// One blob arriving in chunks on a rollout node: at most <c>window</c> chunk requests are out at a time (so a large
/// weights version never floods the connection the cluster's heartbeats share), chunks may arrive in any order and
/// twice, and the assembled bytes are handed out only if their SHA-256 matches the manifest's.
/// </summary>
public sealed class BlobDownload(BlobManifest manifest, int window = 32)
{
    private readonly byte[] _bytes = new byte[manifest.Length];
    private readonly bool[] _received = new bool[manifest.Chunks];
    private int _next, _inFlight, _done;

    public BlobManifest Manifest { get; } = manifest;

    public bool Complete => _done == _received.Length;

    /// <summary>Chunk indices to request now (keeps <c>window</c> requests in flight).</summary>
    public IReadOnlyList<int> NextRequests()
    {
        var requests = new List<int>();
        for (; _inFlight < window && _next < _received.Length; _next++, _inFlight++)
        {
            requests.Add(_next);
        }

        return requests;
    }

    /// <summary>Stores a chunk; a repeated or out-of-range one is ignored, a mis-sized one fails the download.</summary>
    public void Accept(BlobChunk chunk)
    {
        if (chunk.Index < 0 || chunk.Index >= _received.Length || _received[chunk.Index])
        {
            return;
        }

        var start = (long)chunk.Index * Manifest.ChunkBytes;
        var expected = (int)Math.Min(Manifest.ChunkBytes, Manifest.Length - start);
        if (chunk.Data.Length != expected)
        {
            throw new InvalidDataException($"blob '{Manifest.Key}' chunk {chunk.Index} has {chunk.Data.Length} bytes, the manifest says {expected}.");
        }

        chunk.Data.CopyTo(_bytes, start);
        (_received[chunk.Index], _inFlight, _done) = (true, _inFlight - 1, _done + 1);
    }

    /// <summary>The whole blob, after checking it against the manifest's checksum.</summary>
    public byte[] Verified()
    {
        if (!Complete)
        {
            throw new InvalidOperationException($"blob '{Manifest.Key}' has {_done} of {_received.Length} chunks.");
        }

        return SHA256.HashData(_bytes).AsSpan().SequenceEqual(Manifest.Sha256)
            ? _bytes
            : throw new InvalidDataException($"blob '{Manifest.Key}' ({Manifest.Length} bytes) failed its SHA-256 check: corrupted in transit.");
    }
}
