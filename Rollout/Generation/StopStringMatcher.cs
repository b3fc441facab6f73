using RlSpec.Policy.Tokenization;

namespace RlSpec.Rollout.Generation;

/// <summary>
/// Whether a completion's text now ends with a stop string, decoding only its last few tokens: every token decodes to
/// at least one byte, so the longest stop string's length in UTF-8 bytes, plus a few tokens for a character split across
/// tokens, bounds the tail that can matter. Checking a row costs the same at token 1 and token 1000.
/// </summary>
public sealed class StopStringMatcher(TextTokenizer tokenizer, IReadOnlyList<string>? stops)
{
    private readonly IReadOnlyList<string> _stops = stops ?? [];
    private readonly int _tail = (stops ?? []).Select(s => System.Text.Encoding.UTF8.GetByteCount(s)).DefaultIfEmpty(0).Max() + 4;

    public bool Enabled => _stops.Count > 0;

    public bool EndsWithStop(IReadOnlyList<int> tokens)
    {
        if (_stops.Count == 0)
        {
            return false;
        }

        var start = Math.Max(0, tokens.Count - _tail);
        var text = tokenizer.Decode(start == 0 ? tokens : tokens.Skip(start).ToList());
        return _stops.Any(s => text.EndsWith(s, StringComparison.Ordinal));
    }
}
