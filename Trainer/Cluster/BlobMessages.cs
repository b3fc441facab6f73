using RlSpec.Trainer.Actors;

namespace RlSpec.Trainer.Cluster;

/// <summary>A rollout node asks the trainer for a blob (<see cref="BlobStore.SetupKey"/> or a weights version).</summary>
public sealed record FetchBlob(string Key) : IPipelineMessage;

/// <summary>What a blob is: its size, how it is cut, and the SHA-256 the assembled bytes must have.</summary>
public sealed record BlobManifest(string Key, long Length, int ChunkBytes, byte[] Sha256) : IPipelineMessage
{
    [MessagePack.IgnoreMember]
    public int Chunks => (int)Math.Max(1, (Length + ChunkBytes - 1) / ChunkBytes);
}

/// <summary>The trainer no longer (or never) held the blob.</summary>
public sealed record BlobUnavailable(string Key) : IPipelineMessage;

public sealed record FetchBlobChunk(string Key, int Index) : IPipelineMessage;

/// <summary>One slice of a blob, small enough for one remoting frame.</summary>
public sealed record BlobChunk(string Key, int Index, byte[] Data) : IPipelineMessage;
