using RlSpec.Policy.Tasks;

namespace RlSpec.Trainer.Config;

/// <summary>Where prompts and rewards come from.</summary>
public sealed record TaskSection
{
    /// <summary>arithmetic or chain (built in), or jsonl (a dataset of {"prompt", "answer"} lines).</summary>
    public string Kind { get; init; } = "arithmetic";

    public int MinDigits { get; init; } = Arithmetic.MinDigits;

    /// <summary>Most digits per operand; null = the task's own default (arithmetic 4, chain 2).</summary>
    public int? MaxDigits { get; init; }

    public string Operations { get; init; } = Arithmetic.Operations;

    /// <summary>Longest chain of the chain task (chains of n operations drawn ∝ ½ⁿ⁻¹: a long tail of completion lengths).</summary>
    public int MaxOps { get; init; } = Chain.MaxOperations;

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

    /// <summary>The most digits per operand the configured built-in task uses.</summary>
    [YamlDotNet.Serialization.YamlIgnore]
    public int EffectiveMaxDigits => MaxDigits ?? (Kind == "chain" ? Chain.MaxDigits : Arithmetic.MaxDigits);

    // One home per default: the built-in tasks' own config records.
    private static readonly ArithmeticTaskConfig Arithmetic = new();
    private static readonly ChainTaskConfig Chain = new();
}
