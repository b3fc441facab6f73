namespace RlSpec.Policy.Tokenization;

/// <summary>
/// A prompt format such as a chat template: text with one <c>{prompt}</c> placeholder, e.g.
/// <c>&lt;|im_start|&gt;user\n{prompt}&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n</c>. Added tokens written in the
/// template become their single ids; the prompt itself is plain text (a prompt that contains <c>&lt;|im_end|&gt;</c> cannot
/// close the turn). The prompt is encoded together with the template text around it, so a template tokenizes exactly
/// as HF tokenizes the rendered string. No BOS is added: a template that wants one writes it.
/// </summary>
public sealed class PromptTemplate
{
    public const string Placeholder = "{prompt}";

    public PromptTemplate(string text)
    {
        var at = text.IndexOf(Placeholder, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(Placeholder, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException($"a prompt template needs exactly one {Placeholder} (got {text.Length} characters with {(at < 0 ? "none" : "several")}).");
        }

        Text = text;
        (Prefix, Suffix) = (text[..at], text[(at + Placeholder.Length)..]);
    }

    public string Text { get; }

    private string Prefix { get; }

    private string Suffix { get; }

    /// <summary>The template from <paramref name="value"/>: inline text containing {prompt}, or else the path of a file holding it.</summary>
    public static PromptTemplate Resolve(string value, string where)
    {
        if (value.Contains(Placeholder, StringComparison.Ordinal))
        {
            return new PromptTemplate(value);
        }

        if (!File.Exists(value))
        {
            throw new ArgumentException($"{where}: '{value}' is neither a file nor a template containing {Placeholder}.");
        }

        var text = File.ReadAllText(value);
        return text.Contains(Placeholder, StringComparison.Ordinal)
            ? new PromptTemplate(text)
            : throw new ArgumentException($"{where}: template file '{value}' does not contain {Placeholder}.");
    }

    /// <summary>The text with <paramref name="prompt"/> in place (what HF's apply_chat_template would render).</summary>
    public string Render(string prompt) => Prefix + prompt + Suffix;

    /// <summary>Ids of the rendered prompt: template added tokens as their ids, everything else as plain text.</summary>
    public IReadOnlyList<int> Encode(TextTokenizer tokenizer, string prompt)
    {
        var before = tokenizer.SplitAddedTokens(Prefix).ToList();
        var after = tokenizer.SplitAddedTokens(Suffix).ToList();
        // The prompt joins the template text next to it, so pre-tokenization sees the same string HF would.
        var joined = (before.Count > 0 && before[^1].Id is null ? before[^1].Text : "") + prompt + (after.Count > 0 && after[0].Id is null ? after[0].Text : "");
        if (before.Count > 0 && before[^1].Id is null)
        {
            before.RemoveAt(before.Count - 1);
        }

        if (after.Count > 0 && after[0].Id is null)
        {
            after.RemoveAt(0);
        }

        return [.. before.SelectMany(Ids), .. tokenizer.Encode(joined), .. after.SelectMany(Ids)];

        IReadOnlyList<int> Ids((string Text, int? Id) part) => part.Id is { } id ? [id] : tokenizer.Encode(part.Text);
    }
}
