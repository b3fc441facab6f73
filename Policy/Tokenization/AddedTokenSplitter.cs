using System.Text.RegularExpressions;

namespace RlSpec.Policy.Tokenization;

/// <summary>
/// Finds added tokens in text the way HF tokenizers do before normalization and pre-tokenization: leftmost match,
/// longest token first at a position (so <c>&lt;|im_start|&gt;</c> wins over a shorter token it starts with).
/// </summary>
public sealed class AddedTokenSplitter
{
    private readonly Regex? _pattern;
    private readonly Dictionary<string, int> _ids;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _ids = tokens.ToDictionary(t => t.Content, t => t.Id);
        // .NET alternation is leftmost-first, so ordering by length makes it leftmost-longest.
        _pattern = _ids.Count == 0 ? null : new Regex(
            string.Join("|", _ids.Keys.OrderByDescending(c => c.Length).ThenBy(c => c, StringComparer.Ordinal).Select(Regex.Escape)),
            RegexOptions.CultureInvariant);
    }

    /// <summary>The text as ordinary segments (Id null) and added tokens (Id set), in order; empty segments are left out.</summary>
    public IEnumerable<(string Text, int? Id)> Split(string text)
    {
        var start = 0;
        for (var match = _pattern?.Match(text); match is { Success: true }; match = match.NextMatch())
        {
            if (match.Index > start)
            {
                yield return (text[start..match.Index], null);
            }

            yield return (match.Value, _ids[match.Value]);
            start = match.Index + match.Length;
        }

        if (start < text.Length)
        {
            yield return (text[start..], null);
        }
    }
}
