using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace RlSpec.Policy.Tokenization;

/// <summary>
/// Reads and writes the BPE subset of HF's <c>tokenizer.json</c>: model.vocab and model.merges, added_tokens, a
/// Unicode normalizer (NFC, NFD, NFKC, NFKD), and a Split-regex and/or ByteLevel pre-tokenizer. That covers Qwen2/3,
/// Llama 3 and GPT-2 style tokenizers. Anything else (another model type, byte fallback, added tokens that strip
/// whitespace, other normalizers or pre-tokenizers) is refused naming the file and key, rather than tokenized differently.
/// </summary>
public static class HfTokenizerJson
{
    /// <summary>GPT-2's pre-tokenization: what a ByteLevel pre-tokenizer with use_regex applies.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>What a tokenizer.json file describes, in Microsoft.ML.Tokenizers' terms.</summary>
    /// <param name="Options">Vocabulary, merges, normalizer and pre-tokenizer for <see cref="BpeTokenizer.Create(BpeOptions)"/> (added tokens left out).</param>
    /// <param name="AddedTokens">Tokens matched whole in text before normalization (HF's added_tokens).</param>
    /// <param name="IgnoreMerges">A pre-token that is itself in the vocabulary becomes that token without merging (Llama 3).</param>
    public sealed record Definition(BpeOptions Options, IReadOnlyList<AddedToken> AddedTokens, bool IgnoreMerges);

    public static Definition Read(string path)
    {
        JsonNode root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).");
        }

        var model = root["model"] ?? throw new InvalidDataException($"{path}: missing key 'model'.");
        var type = model["type"]?.GetValue<string>();
        if (type != "BPE")
        {
            throw new InvalidDataException($"{path}: model.type is '{type}'; RlSpec loads BPE tokenizer.json files (or tiktoken / vocab.json+merges.txt).");
        }

        if (model["byte_fallback"]?.GetValue<bool>() == true)
        {
            throw new InvalidDataException($"{path}: model.byte_fallback is true (SentencePiece-style BPE), which RlSpec does not support.");
        }

        if (model["dropout"] is JsonValue dropout && dropout.TryGetValue<double>(out var p) && p > 0)
        {
            throw new InvalidDataException($"{path}: model.dropout is {p}; RlSpec tokenizes deterministically (expected null or 0).");
        }

        var vocab = (model["vocab"] as JsonObject ?? throw new InvalidDataException($"{path}: model.vocab must be an object of token -> id."))
            .ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<int>());
        var merges = (model["merges"] as JsonArray ?? [])
            .Select(m => m is JsonArray pair ? $"{pair[0]} {pair[1]}" : m!.GetValue<string>())
            .ToList();
        var added = (root["added_tokens"] as JsonArray ?? []).Select(t => ReadAddedToken(t!, path)).ToList();
        var options = new BpeOptions(vocab)
        {
            Merges = merges,
            UnknownToken = model["unk_token"]?.GetValue<string>(),
            ContinuingSubwordPrefix = NonEmpty(model["continuing_subword_prefix"]),
            EndOfWordSuffix = NonEmpty(model["end_of_word_suffix"]),
            Normalizer = ReadNormalizer(root["normalizer"], path),
        };
        ApplyPreTokenizer(root["pre_tokenizer"], options, path);
        return new Definition(options, added, model["ignore_merges"]?.GetValue<bool>() == true);
    }

    private static AddedToken ReadAddedToken(JsonNode token, string path)
    {
        var content = token["content"]?.GetValue<string>() ?? throw new InvalidDataException($"{path}: an added_tokens entry has no 'content'.");
        foreach (var flag in new[] { "lstrip", "rstrip", "single_word" })
        {
            if (token[flag]?.GetValue<bool>() == true)
            {
                throw new InvalidDataException($"{path}: added token '{content}' sets {flag}, which RlSpec does not support.");
            }
        }

        var id = token["id"]?.GetValue<int>() ?? throw new InvalidDataException($"{path}: added token '{content}' has no 'id'.");
        return new AddedToken(content, id, token["special"]?.GetValue<bool>() ?? false);
    }

    private static Normalizer? ReadNormalizer(JsonNode? node, string path)
    {
        var steps = node?["type"]?.GetValue<string>() == "Sequence" ? [.. node["normalizers"] as JsonArray ?? []] : new List<JsonNode?> { node };
        var forms = steps.Where(s => s is not null).Select(s => s!["type"]?.GetValue<string>() switch
        {
            "NFC" => NormalizationForm.FormC,
            "NFD" => NormalizationForm.FormD,
            "NFKC" => NormalizationForm.FormKC,
            "NFKD" => NormalizationForm.FormKD,
            var other => throw new InvalidDataException($"{path}: normalizer '{other}' is not supported (expected null, NFC, NFD, NFKC or NFKD)."),
        }).ToList();
        return forms.Count switch
        {
            0 => null,
            1 => new UnicodeNormalizer(forms[0]),
            _ => throw new InvalidDataException($"{path}: {forms.Count} Unicode normalizers in a sequence; RlSpec supports one."),
        };
    }

    private static void ApplyPreTokenizer(JsonNode? node, BpeOptions options, string path)
    {
        List<JsonNode?> steps = node?["type"]?.GetValue<string>() == "Sequence" ? [.. node["pretokenizers"] as JsonArray ?? []] : [node];
        string? pattern = null;
        foreach (var step in steps.Where(s => s is not null))
        {
            switch (step!["type"]?.GetValue<string>())
            {
                case "ByteLevel":
                    if (step["add_prefix_space"]?.GetValue<bool>() == true)
                    {
                        throw new InvalidDataException($"{path}: pre_tokenizer ByteLevel sets add_prefix_space, which RlSpec does not support.");
                    }

                    options.ByteLevel = true;
                    if (step["use_regex"]?.GetValue<bool>() != false)
                    {
                        pattern = pattern is null ? Gpt2Pattern : throw new InvalidDataException($"{path}: pre_tokenizer has a Split regex and a ByteLevel regex; RlSpec supports one.");
                    }

                    break;
                case "Split":
                    pattern = pattern is null ? SplitRegex(step, path) : throw new InvalidDataException($"{path}: pre_tokenizer has more than one regex; RlSpec supports one.");
                    break;
                case var other:
                    throw new InvalidDataException($"{path}: pre_tokenizer '{other}' is not supported (expected Split and/or ByteLevel).");
            }
        }

        if (pattern is not null)
        {
            options.PreTokenizer = new CodePointRegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant));
        }
    }

    private static string SplitRegex(JsonNode step, string path)
    {
        if (step["behavior"]?.GetValue<string>() is { } behavior && behavior != "Isolated")
        {
            throw new InvalidDataException($"{path}: pre_tokenizer Split behavior '{behavior}' is not supported (expected Isolated).");
        }

        if (step["invert"]?.GetValue<bool>() == true)
        {
            throw new InvalidDataException($"{path}: pre_tokenizer Split with invert: true is not supported.");
        }

        return step["pattern"]?["Regex"]?.GetValue<string>()
            ?? (step["pattern"]?["String"]?.GetValue<string>() is { } literal ? Regex.Escape(literal)
            : throw new InvalidDataException($"{path}: pre_tokenizer Split needs pattern.Regex or pattern.String."));
    }

    private static string? NonEmpty(JsonNode? node) => node?.GetValue<string>() is { Length: > 0 } s ? s : null;

    /// <summary>Writes a character-level BPE tokenizer (each character its own pre-token) in tokenizer.json form.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, int> vocab, IReadOnlyDictionary<string, int> specials, string splitRegex, string? unknownToken)
    {
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(specials.OrderBy(s => s.Value).Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Value,
                ["content"] = s.Key,
                ["special"] = true,
                ["single_word"] = false,
                ["lstrip"] = false,
                ["rstrip"] = false,
                ["normalized"] = false,
            }).ToArray()),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Split",
                ["pattern"] = new JsonObject { ["Regex"] = splitRegex },
                ["behavior"] = "Isolated",
                ["invert"] = false,
            },
            ["post_processor"] = null,
            ["decoder"] = null,
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["unk_token"] = unknownToken,
                ["vocab"] = new JsonObject(vocab.OrderBy(v => v.Value).Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))),
                ["merges"] = new JsonArray(),
            },
        };
        Checkpoints.AtomicFile.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
