using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace RlSpec.Policy.Tokenization;

/// <summary>
/// A Microsoft.ML.Tokenizers tokenizer plus the special ids generation needs. Special tokens are never parsed
/// out of prompt text: <see cref="Encode"/> treats text as text and callers add BOS/EOS ids explicitly.
/// </summary>
public sealed class TextTokenizer
{
    private readonly Tokenizer _inner;
    private readonly Action<string>? _save;

    private TextTokenizer(Tokenizer inner, SpecialTokens special, int vocabSize, Action<string>? save)
    {
        _inner = inner;
        Special = special;
        VocabSize = vocabSize;
        _save = save;
    }

    public SpecialTokens Special { get; }

    /// <summary>Number of ids the model's embedding must cover.</summary>
    public int VocabSize { get; }

    public Tokenizer Inner => _inner;

    public IReadOnlyList<int> Encode(string text) => _inner.EncodeToIds(text, considerPreTokenization: true, considerNormalization: true);

    public string Decode(IEnumerable<int> ids) => _inner.Decode(ids.Where(id => id != Special.Pad && id != Special.Eos && id != Special.Bos)) ?? string.Empty;

    /// <summary>
    /// A character-level tokenizer over <paramref name="alphabet"/>: ids 0..3 are &lt;pad&gt; &lt;bos&gt; &lt;eos&gt; &lt;unk&gt;,
    /// then one id per character. Built on the library's BPE with no merges, and saved as a standard tokenizer.json.
    /// </summary>
    public static TextTokenizer ForCharacters(string alphabet)
    {
        var specials = new Dictionary<string, int> { ["<pad>"] = 0, ["<bos>"] = 1, ["<eos>"] = 2, ["<unk>"] = 3 };
        var vocab = specials.Concat(alphabet.Distinct().Select((c, i) => KeyValuePair.Create(c.ToString(), i + specials.Count))).ToDictionary();
        const string eachCharacter = "(?s).";
        var options = new BpeOptions(vocab)
        {
            SpecialTokens = specials,
            UnknownToken = "<unk>",
            PreTokenizer = new RegexPreTokenizer(new System.Text.RegularExpressions.Regex(eachCharacter), specialTokens: null),
        };
        return new TextTokenizer(
            BpeTokenizer.Create(options),
            new SpecialTokens(Pad: 0, Eos: 2, Bos: 1),
            vocab.Count,
            dir => HfTokenizerJson.Write(Path.Combine(dir, "tokenizer.json"), vocab, specials, eachCharacter, "<unk>"));
    }

    /// <summary>
    /// Loads the tokenizer files of a model directory: <c>tokenizer.json</c> (BPE), or <c>vocab.json</c> + <c>merges.txt</c>,
    /// or a tiktoken encoding named in <c>tokenizer_config.json</c> (<c>"tiktoken_encoding": "cl100k_base"</c>).
    /// Special tokens come from <c>tokenizer_config.json</c> (bos_token / eos_token / pad_token).
    /// </summary>
    public static TextTokenizer Load(string directory)
    {
        var config = ReadTokenizerConfig(directory);
        var tokenizerJson = Path.Combine(directory, "tokenizer.json");
        var vocabJson = Path.Combine(directory, "vocab.json");
        if (config?["tiktoken_encoding"]?.GetValue<string>() is { } encoding)
        {
            var tiktoken = TiktokenTokenizer.CreateForEncoding(encoding);
            var eos = tiktoken.SpecialTokens?.GetValueOrDefault("<|endoftext|>") ?? throw new InvalidDataException($"{directory}: tiktoken encoding '{encoding}' has no <|endoftext|>.");
            return new TextTokenizer(tiktoken, new SpecialTokens(eos, eos, null), tiktoken.SpecialTokens!.Values.Max() + 1, dir => CopyFiles(directory, dir));
        }

        BpeOptions options;
        if (File.Exists(tokenizerJson))
        {
            options = HfTokenizerJson.ReadOptions(tokenizerJson);
        }
        else if (File.Exists(vocabJson))
        {
            // vocab.json + merges.txt is GPT-2's layout: byte-level BPE over GPT-2's pre-tokenization, where a
            // leading space stays attached to the word that follows it.
            options = new BpeOptions(vocabJson, Path.Combine(directory, "merges.txt"))
            {
                ByteLevel = true,
                PreTokenizer = new RegexPreTokenizer(new System.Text.RegularExpressions.Regex(HfTokenizerJson.Gpt2Pattern, System.Text.RegularExpressions.RegexOptions.Compiled), specialTokens: null),
            };
        }
        else
        {
            throw new FileNotFoundException($"{directory}: no tokenizer found (expected tokenizer.json, vocab.json + merges.txt, or tokenizer_config.json naming a tiktoken_encoding).");
        }

        var specials = options.SpecialTokens ?? new Dictionary<string, int>();
        var vocabIds = options.Vocabulary.Select(v => v.Value).Concat(specials.Values).ToList();
        var special = ResolveSpecials(config, specials, directory);
        return new TextTokenizer(BpeTokenizer.Create(options), special, vocabIds.Max() + 1, dir => CopyFiles(directory, dir));
    }

    /// <summary>Writes this tokenizer's files into a model directory so <see cref="Load"/> reads it back.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        _save?.Invoke(directory);
        if (!File.Exists(Path.Combine(directory, "tokenizer_config.json")))
        {
            var config = new JsonObject { ["pad_token_id"] = Special.Pad, ["eos_token_id"] = Special.Eos, ["bos_token_id"] = Special.Bos };
            Checkpoints.AtomicFile.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString());
        }
    }

    private static SpecialTokens ResolveSpecials(JsonNode? config, IReadOnlyDictionary<string, int> specials, string directory)
    {
        int? Id(string key)
        {
            if (config?[$"{key}_id"] is JsonValue idValue && idValue.TryGetValue<int>(out var direct))
            {
                return direct;
            }

            var node = config?[key];
            var content = node is JsonObject o ? o["content"]?.GetValue<string>() : (node as JsonValue)?.GetValue<string>();
            return content is not null && specials.TryGetValue(content, out var id) ? id : null;
        }

        string[] knownEos = ["<|endoftext|>", "</s>", "<eos>", "<|im_end|>", "<|end_of_text|>"];
        var eos = Id("eos_token") ?? knownEos.Where(specials.ContainsKey).Select(t => (int?)specials[t]).FirstOrDefault()
            ?? throw new InvalidDataException($"{directory}: cannot tell the end-of-sequence token (set eos_token in tokenizer_config.json).");
        return new SpecialTokens(Id("pad_token") ?? eos, eos, Id("bos_token"));
    }

    private static JsonNode? ReadTokenizerConfig(string directory)
    {
        var path = Path.Combine(directory, "tokenizer_config.json");
        try
        {
            return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).");
        }
    }

    private static void CopyFiles(string from, string to)
    {
        if (Path.GetFullPath(from) == Path.GetFullPath(to))
        {
            return;
        }

        foreach (var name in new[] { "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt" })
        {
            var source = Path.Combine(from, name);
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(to, name), overwrite: true);
            }
        }
    }
}
