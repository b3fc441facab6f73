using RlSpec.Policy.Tokenization;

namespace RlSpec.Policy.Training;

/// <summary>
/// How prompts and completions become token ids: the tokenizer's prompt template when it has one, else BOS (when the
/// tokenizer has one) + prompt; completion + EOS.
/// </summary>
public static class PromptFormat
{
    public static IReadOnlyList<int> Prompt(TextTokenizer tokenizer, string prompt) =>
        tokenizer.PromptTemplate is { } template ? template.Encode(tokenizer, prompt)
        : tokenizer.Special.Bos is { } bos ? [bos, .. tokenizer.Encode(prompt)]
        : tokenizer.Encode(prompt);

    public static IReadOnlyList<int> Completion(TextTokenizer tokenizer, string completion) =>
        [.. tokenizer.Encode(completion), tokenizer.Special.Eos];
}
