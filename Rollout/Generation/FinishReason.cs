namespace RlSpec.Rollout.Generation;

/// <summary>Why a completion ended.</summary>
public enum FinishReason
{
    /// <summary>Emitted the end-of-sequence token (included in the completion).</summary>
    Eos,

    /// <summary>Its text ended with a stop string.</summary>
    StopString,

    /// <summary>Hit the max-new-tokens budget.</summary>
    Length,
}
