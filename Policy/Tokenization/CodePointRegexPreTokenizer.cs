using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace RlSpec.Policy.Tokenization;

/// <summary>
/// A pre-tokenizer regex matched over code points, as HF tokenizers (Oniguruma) and transformers.js (<c>u</c> flag) match
/// it. A .NET regex sees UTF-16 units, so a character outside the BMP (an emoji, a CJK extension-B ideograph, a
/// mathematical digit) would be two surrogates of category Cs rather than one letter, number or symbol, and
/// <c>\p{L}+</c>, <c>\p{N}</c> or a one-character <c>[^\r\n\p{L}\p{N}]?</c> would split it differently. Each such
/// character is therefore matched as a BMP stand-in of its own Unicode category, and offsets are mapped back.
/// </summary>
public sealed class CodePointRegexPreTokenizer(Regex regex) : PreTokenizer
{
    /// <summary>One BMP character per Unicode category, with no case mapping to ASCII (so <c>(?i:'s)</c> cannot match it).</summary>
    private static readonly char[] StandIns = FindStandIns();

    public Regex Regex { get; } = regex;

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return Regex.Matches(text).Select(m => (m.Index, m.Length)).ToList();
        }

        var (substituted, originalIndex) = Substitute(text);
        return Regex.Matches(substituted)
            .Select(m => (originalIndex[m.Index], originalIndex[m.Index + m.Length] - originalIndex[m.Index]))
            .ToList();
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => PreTokenize(text.ToString());

    /// <summary>The text with each surrogate pair replaced by one stand-in, and for each index of it (and its end) the original index.</summary>
    private static (string Text, int[] OriginalIndex) Substitute(string text)
    {
        var chars = new List<char>(text.Length);
        var originalIndex = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            originalIndex.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                chars.Add(StandIns[(int)CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]))]);
                i++;
            }
            else
            {
                chars.Add(text[i]);
            }
        }

        originalIndex.Add(text.Length);
        return (new string(chars.ToArray()), originalIndex.ToArray());
    }

    private static char[] FindStandIns()
    {
        var categories = Enum.GetValues<UnicodeCategory>();
        var standIns = new char[categories.Max(c => (int)c) + 1];
        foreach (var category in categories)
        {
            // From U+00A1 up: past ASCII and the Latin-1 controls and spaces, which pre-tokenizer patterns name explicitly.
            for (int c = 0xA1; c < 0xD800; c++)
            {
                var ch = (char)c;
                if (char.GetUnicodeCategory(ch) == category && char.ToUpperInvariant(ch) > 0x7F && char.ToLowerInvariant(ch) > 0x7F && !char.IsWhiteSpace(ch))
                {
                    standIns[(int)category] = ch;
                    break;
                }
            }
        }

        // Space separators have no astral members; surrogates never stand alone once paired.
        return standIns;
    }
}
