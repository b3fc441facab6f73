using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace RlSpec.Policy.Tokenization;

/// <summary>
/// Reads and writes the BPE subset of HF's <c>tokenizer.json</c>: model.vocab, model.merges, added_tokens and
/// a Split-regex and/or ByteLevel pre-tokenizer. Other tokenizer.json model types are refused with their name.
/// </summary>
public static class HfTokenizerJson
{
    /// <summary>GPT-2's pre-tokenization: what a ByteLevel pre-tokenizer with use_regex applies.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static BpeOptions ReadOptions(string path)
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

        var vocab = (model["vocab"] as JsonObject ?? throw new InvalidDataException($"{path}: model.vocab must be an object of token -> id."))
            .ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<int>());
        var merges = (model["merges"] as JsonArray ?? [])
            .Select(m => m is JsonArray pair ? $"{pair[0]} {pair[1]}" : m!.GetValue<string>())
            .ToList();
        var added = (root["added_tokens"] as JsonArray ?? [])
            .ToDictionary(t => t!["content"]!.GetValue<string>(), t => t!["id"]!.GetValue<int>());
        var options = new BpeOptions(vocab)
        {
            Merges = merges,
            SpecialTokens = added,
            UnknownToken = model["unk_token"]?.GetValue<string>(),
        };
        ApplyPreTokenizer(root["pre_tokenizer"], options, added);
        return options;
    }

    private static void ApplyPreTokenizer(JsonNode? node, BpeOptions options, IReadOnlyDictionary<string, int> specials)
    {
        List<JsonNode?> steps = node?["type"]?.GetValue<string>() == "Sequence"
            ? [.. node["pretokenizers"] as JsonArray ?? []]
            : [node];
        foreach (var step in steps.Where(s => s is not null))
        {
            switch (step!["type"]?.GetValue<string>())
            {
                case "ByteLevel":
                    options.ByteLevel = true;
                    if (options.PreTokenizer is null && step["use_regex"]?.GetValue<bool>() != false)
                    {
                        options.PreTokenizer = new RegexPreTokenizer(new Regex(Gpt2Pattern, RegexOptions.Compiled), specials);
                    }

                    break;
                case "Split" when SplitRegex(step) is { } regex:
                    options.PreTokenizer = new RegexPreTokenizer(new Regex(regex, RegexOptions.Compiled), specials);
                    break;
            }
        }
    }

    private static string? SplitRegex(JsonNode step)
    {
        var pattern = step["pattern"];
        return pattern is null ? null : pattern["Regex"]?.GetValue<string>();
    }

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
