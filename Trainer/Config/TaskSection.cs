namespace RlSpec.Trainer.Config;

/// <summary>Where prompts and rewards come from.</summary>
public sealed record TaskSection
{
    /// <summary>arithmetic or chain (built in), or jsonl (a dataset of {"prompt", "answer"} lines).</summary>
    public string Kind { get; init; } = "arithmetic";

    public int MinDigits { get; init; } = 1;

    public int MaxDigits { get; init; } = 4;

    public string Operations { get; init; } = "+-";

    /// <summary>Longest chain of the chain task (chains of n operations drawn ∝ ½ⁿ⁻¹: a long tail of completion lengths).</summary>
    public int MaxOps { get; init; } = 6;

    /// <summary>JSONL dataset path (kind jsonl).</summary>
    public string? Dataset { get; init; }

    /// <summary>exact, numeric or regex (kind jsonl).</summary>
    public string Reward { get; init; } = "exact";

    /// <summary>
    /// How each prompt is presented to the model (kind jsonl): a file, or inline text, containing <c>{prompt}</c>, e.g.
    /// configs/templates/qwen-chat.txt. Special tokens written in it become their single ids; null = BOS + prompt.
    /// </summary>
    public string? PromptTemplate { get; init; }

    /// <summary>Regex whose first group extracts the answer from a completion (default: the whole trimmed completion).</summary>
    public string? AnswerPattern { get; init; }

    /// <summary>Held-out prompts for the accuracy before and after training (greedy).</summary>
    public int EvalPrompts { get; init; } = 256;
}
