using System.Buffers.Binary;
using MessagePack;
using RlSpec.Trainer.Runs;

namespace RlSpec.Trainer.Tests.Runs;

/// <summary>A rollout record exactly as schema 1 wrote it (before <c>schema_version</c>, drafter version and hash, processed
/// log-probs and per-token draft flags), to check that old logs still read.</summary>
[MessagePackObject]
public sealed record SchemaOneRecord
{
    [Key("step")] public int Step { get; init; }
    [Key("policy_version")] public long PolicyVersion { get; init; }
    [Key("prompt_id")] public string PromptId { get; init; } = "";
    [Key("prompt_tokens")] public int[] PromptTokens { get; init; } = [];
    [Key("response_tokens")] public int[] ResponseTokens { get; init; } = [];
    [Key("prompt_text")] public string PromptText { get; init; } = "";
    [Key("response_text")] public string ResponseText { get; init; } = "";
    [Key("logprobs")] public float[] LogProbs { get; init; } = [];
    [Key("reward")] public double Reward { get; init; }
    [Key("reward_reason")] public string? RewardReason { get; init; }
    [Key("draft_counts")] public int[] DraftCounts { get; init; } = [];
    [Key("accept_counts")] public int[] AcceptCounts { get; init; } = [];
    [Key("drafter")] public string Drafter { get; init; } = "none";
    [Key("generation_seconds")] public double GenerationSeconds { get; init; }

    /// <summary>Two samples of steps 1 and 2: 4 drafts with 2 accepted then 3 of 3 (6 tokens + a bonus), and a row that
    /// stopped inside its second block.</summary>
    public static SchemaOneRecord[] Samples =>
    [
        new() { Step = 1, PromptId = "p1", ResponseTokens = [5, 6, 7, 8, 9, 10, 11], ResponseText = "abcdefg", LogProbs = [-1, -1, -1, -1, -1, -1, -1], Reward = 1, DraftCounts = [4, 3], AcceptCounts = [2, 3], Drafter = "eagle" },
        new() { Step = 2, PromptId = "p2", ResponseTokens = [5, 6, 7, 8], ResponseText = "abcd", LogProbs = [-1, -1, -1, -1], DraftCounts = [2, 4], AcceptCounts = [1, 3], Drafter = "eagle" },
    ];

    public static void Write(string path, IEnumerable<SchemaOneRecord> records)
    {
        using var stream = new FileStream(path, FileMode.Append);
        Span<byte> prefix = stackalloc byte[4];
        foreach (var bytes in records.Select(r => MessagePackSerializer.Serialize(r)))
        {
            BinaryPrimitives.WriteInt32LittleEndian(prefix, bytes.Length);
            stream.Write(prefix);
            stream.Write(bytes);
        }
    }

    /// <summary>Flags of <see cref="Samples"/>, per sample, as the readers derive them.</summary>
    public static (int[] Position, bool[] Accepted)[] ExpectedFlags =>
    [
        ([1, 2, 3, 1, 2, 3, 0], [true, true, false, true, true, true, false]),
        ([1, 2, 1, 2], [true, false, true, true]),
    ];

    public static string FileNameFor(string dir) => Path.Combine(dir, RolloutLog.FileName);
}
