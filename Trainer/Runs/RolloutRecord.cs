using MessagePack;

namespace RlSpec.Trainer.Runs;

/// <summary>
/// One sample of a run's rollout log. Keys are the snake_case property names so Python's msgpack reads each
/// record as a plain dict (see <c>experiments/rollout_logs/rlspec_logs.py</c>).
/// </summary>
[MessagePackObject]
public sealed record RolloutRecord
{
    [Key("step")] public int Step { get; init; }

    [Key("policy_version")] public long PolicyVersion { get; init; }

    [Key("prompt_id")] public string PromptId { get; init; } = "";

    [Key("prompt_tokens")] public int[] PromptTokens { get; init; } = [];

    [Key("response_tokens")] public int[] ResponseTokens { get; init; } = [];

    [Key("prompt_text")] public string PromptText { get; init; } = "";

    [Key("response_text")] public string ResponseText { get; init; } = "";

    /// <summary>Raw policy log-prob of each response token, from the forward that verified or sampled it.</summary>
    [Key("logprobs")] public float[] LogProbs { get; init; } = [];

    [Key("reward")] public double Reward { get; init; }

    [Key("reward_reason")] public string? RewardReason { get; init; }

    /// <summary>Drafts proposed at each verify step this sample took part in (empty without speculation).</summary>
    [Key("draft_counts")] public int[] DraftCounts { get; init; } = [];

    /// <summary>Drafts accepted at each of those steps.</summary>
    [Key("accept_counts")] public int[] AcceptCounts { get; init; } = [];

    /// <summary>Drafter name, or "none".</summary>
    [Key("drafter")] public string Drafter { get; init; } = "none";

    /// <summary>Seconds of the generation batch this sample was part of.</summary>
    [Key("generation_seconds")] public double GenerationSeconds { get; init; }
}
