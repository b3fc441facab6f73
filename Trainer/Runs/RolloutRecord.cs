using MessagePack;

namespace RlSpec.Trainer.Runs;

/// <summary>
/// One sample of a run's rollout log. Keys are the snake_case property names so Python's msgpack reads each
/// record as a plain dict (see <c>experiments/rollout_logs/rlspec_logs.py</c>). Keys are only ever added: a reader
/// of schema n reads every older record (missing keys take their defaults; <see cref="RolloutLog.Read"/> fills what
/// can be derived).
/// </summary>
[MessagePackObject]
public sealed record RolloutRecord
{
    /// <summary>Schema this writer produces. 1: the first shape (no <c>schema_version</c> key); 2: drafter version and hash,
    /// processed log-probs, per-token draft positions and acceptance.</summary>
    public const int CurrentSchemaVersion = 2;

    /// <summary>Schema of the record (0 in a record written before the key existed; <see cref="RolloutLog.Read"/> reports it as 1).</summary>
    [Key("schema_version")] public int SchemaVersion { get; init; }

    [Key("step")] public int Step { get; init; }

    [Key("policy_version")] public long PolicyVersion { get; init; }

    [Key("prompt_id")] public string PromptId { get; init; } = "";

    [Key("prompt_tokens")] public int[] PromptTokens { get; init; } = [];

    [Key("response_tokens")] public int[] ResponseTokens { get; init; } = [];

    [Key("prompt_text")] public string PromptText { get; init; } = "";

    [Key("response_text")] public string ResponseText { get; init; } = "";

    /// <summary>Raw policy log-prob of each response token, from the forward that verified or sampled it.</summary>
    [Key("logprobs")] public float[] LogProbs { get; init; } = [];

    /// <summary>Log-prob of each response token under the processed distribution it was drawn from (temperature, top-k,
    /// top-p applied), from the same forward (empty in schema 1).</summary>
    [Key("logprobs_processed")] public float[] LogProbsProcessed { get; init; } = [];

    [Key("reward")] public double Reward { get; init; }

    [Key("reward_reason")] public string? RewardReason { get; init; }

    /// <summary>Drafts proposed at each verify step this sample took part in (empty without speculation).</summary>
    [Key("draft_counts")] public int[] DraftCounts { get; init; } = [];

    /// <summary>Drafts accepted at each of those steps.</summary>
    [Key("accept_counts")] public int[] AcceptCounts { get; init; } = [];

    /// <summary>Per response token: 0 when it was not a draft position (a plain decode step's token, or the bonus token
    /// after a fully accepted block); i ≥ 1 when it stands at the i-th draft slot of its verify step (an accepted draft,
    /// or the token resampled where the draft was rejected).</summary>
    [Key("draft_position")] public int[] DraftPosition { get; init; } = [];

    /// <summary>Per response token: true for an accepted draft; false for the resampled token at a rejected draft slot
    /// and for every non-draft token.</summary>
    [Key("accepted")] public bool[] Accepted { get; init; } = [];

    /// <summary>Drafter name, or "none".</summary>
    [Key("drafter")] public string Drafter { get; init; } = "none";

    /// <summary>Policy version the drafter's weights were last aligned to when it drafted this sample (null for drafters
    /// without weights: n-gram, random, none).</summary>
    [Key("drafter_version")] public long? DrafterVersion { get; init; }

    /// <summary>First 12 hex digits of the SHA-256 of the drafter's weights that drafted this sample (null when unknown).</summary>
    [Key("drafter_hash")] public string? DrafterHash { get; init; }

    /// <summary>Seconds of the generation batch this sample was part of.</summary>
    [Key("generation_seconds")] public double GenerationSeconds { get; init; }
}
