using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace RlSpec.Policy.Tokenization;

/// <summary>
/// A Microsoft.ML.Tokenizers tokenizer, its added tokens and the special ids generation needs. Text is text:
/// <see cref="Encode"/> never turns <c>&lt;|im_end|&gt;</c> written in a prompt into the control token, so data cannot
/// inject one. <see cref="EncodeWithSpecialTokens"/> parses added tokens as HF tokenizers do by default; prompt templates
/// use it for their own text only.
/// </summary>
public sealed class TextTokenizer
{
    private readonly Tokenizer _inner;
    private readonly AddedTokenSplitter _splitter;
    private readonly Dictionary<int, string> _addedById;
    private readonly Action<string>? _save;
    private readonly bool _ignoreMerges;

    private TextTokenizer(Tokenizer inner, IReadOnlyList<AddedToken> added, SpecialTokens special, string kind, Action<string>? save, bool ignoreMerges = false)
    {
        _inner = inner;
        _ignoreMerges = ignoreMerges && inner is BpeTokenizer { PreTokenizer: not null };
        AddedTokens = added;
        _splitter = new AddedTokenSplitter(added);
        _addedById = added.ToDictionary(t => t.Id, t => t.Content);
        Special = special;
        Kind = kind;
        VocabSize = Math.Max(inner is BpeTokenizer bpe ? bpe.Vocabulary.Values.Max() + 1 : 0, added.Count == 0 ? 0 : added.Max(t => t.Id) + 1);
        _save = save;
    }

    /// <summary>A copy that formats prompts with <paramref name="template"/> (null: BOS + prompt); see <see cref="PromptTemplate"/>.</summary>
    public TextTokenizer WithPromptTemplate(PromptTemplate? template) =>
        new(_inner, AddedTokens, Special, Kind, _save, _ignoreMerges) { PromptTemplate = template };

    /// <summary>How prompts are formatted for the model (a chat template), or null for BOS + prompt.</summary>
    public PromptTemplate? PromptTemplate { get; private init; }

    public SpecialTokens Special { get; }

    /// <summary>Number of ids the model's embedding must cover.</summary>
    public int VocabSize { get; }

    /// <summary>What the tokenizer was built from, for people: e.g. "byte-level BPE (tokenizer.json)".</summary>
    public string Kind { get; }

    /// <summary>Tokens outside the BPE merges (HF added_tokens: control tokens, chat markers), by id.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>Ids of <paramref name="text"/> as plain text: added-token strings in it are spelled out, not parsed.</summary>
    public IReadOnlyList<int> Encode(string text) =>
        text.Length == 0 ? []
        : _ignoreMerges ? EncodeIgnoringMerges(text)
        : _inner.EncodeToIds(text, considerPreTokenization: true, considerNormalization: true);

    /// <summary>Ids of <paramref name="text"/> with added tokens (<c>&lt;|im_start|&gt;</c>, <c>&lt;think&gt;</c>, …) as their own ids, as HF encodes by default.</summary>
    public IReadOnlyList<int> EncodeWithSpecialTokens(string text) =>
        SplitAddedTokens(text).SelectMany(part => part.Id is { } id ? [id] : Encode(part.Text)).ToList();

    /// <summary>The text split into ordinary segments (Id null) and the added tokens in it (Id set), as <see cref="EncodeWithSpecialTokens"/> sees it.</summary>
    public IEnumerable<(string Text, int? Id)> SplitAddedTokens(string text) => _splitter.Split(text);

    /// <summary>
    /// Text of <paramref name="ids"/>. Padding, BOS and EOS are dropped unless <paramref name="keepSpecialTokens"/>;
    /// other added tokens are written as their text.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool keepSpecialTokens = false)
    {
        var text = new System.Text.StringBuilder();
        var run = new List<int>();
        foreach (var id in ids)
        {
            if (!keepSpecialTokens && (id == Special.Pad || id == Special.Eos || id == Special.Bos))
            {
                continue;
            }

            if (_addedById.TryGetValue(id, out var content))
            {
                Flush();
                text.Append(content);
            }
            else
            {
                run.Add(id);
            }
        }

        Flush();
        return text.ToString();

        // Ordinary ids are decoded together: with byte-level BPE one character's bytes may span several tokens.
        void Flush()
        {
            if (run.Count > 0)
            {
                text.Append(_inner.Decode(run));
                run.Clear();
            }
        }
    }

    /// <summary>
    /// HF's <c>ignore_merges</c> (Llama 3): a pre-token that is itself in the vocabulary is that one token, even where the
    /// merges would not build it. The merged tokens of a pre-token spell it in the vocabulary's (byte-level) alphabet,
    /// so their concatenation is what to look up.
    /// </summary>
    private List<int> EncodeIgnoringMerges(string text)
    {
        var bpe = (BpeTokenizer)_inner;
        var normalized = bpe.Normalizer?.Normalize(text) ?? text;
        var ids = new List<int>();
        foreach (var (offset, length) in bpe.PreTokenizer!.PreTokenize(normalized))
        {
            var tokens = bpe.EncodeToTokens(normalized.AsSpan(offset, length), out _, considerPreTokenization: false, considerNormalization: false);
            if (tokens.Count > 1 && bpe.Vocabulary.TryGetValue(string.Concat(tokens.Select(t => t.Value)), out var whole))
            {
                ids.Add(whole);
            }
            else
            {
                ids.AddRange(tokens.Select(t => t.Id));
            }
        }

        return ids;
    }

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
            UnknownToken = "<unk>",
            PreTokenizer = new CodePointRegexPreTokenizer(new System.Text.RegularExpressions.Regex(eachCharacter)),
        };
        return new TextTokenizer(
            BpeTokenizer.Create(options),
            specials.Select(s => new AddedToken(s.Key, s.Value, Special: true)).ToList(),
            new SpecialTokens(Pad: 0, Eos: 2, Bos: 1),
            "characters",
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
            var specials = tiktoken.SpecialTokens!.Select(s => new AddedToken(s.Key, s.Value, Special: true)).ToList();
            return new TextTokenizer(tiktoken, specials, new SpecialTokens(eos, eos, null), $"tiktoken {encoding}", dir => CopyFiles(directory, dir));
        }

        HfTokenizerJson.Definition definition;
        string kind;
        if (File.Exists(tokenizerJson))
        {
            definition = HfTokenizerJson.Read(tokenizerJson);
            kind = definition.Options.ByteLevel ? "byte-level BPE (tokenizer.json)" : "BPE (tokenizer.json)";
        }
        else if (File.Exists(vocabJson))
        {
            // vocab.json + merges.txt is GPT-2's layout: byte-level BPE over GPT-2's pre-tokenization, where a
            // leading space stays attached to the word that follows it.
            var options = new BpeOptions(vocabJson, Path.Combine(directory, "merges.txt"))
            {
                ByteLevel = true,
                PreTokenizer = new CodePointRegexPreTokenizer(new System.Text.RegularExpressions.Regex(HfTokenizerJson.Gpt2Pattern, System.Text.RegularExpressions.RegexOptions.Compiled)),
            };
            // Its special tokens are ordinary vocabulary entries; naming them in tokenizer_config.json makes them added tokens.
            var named = new[] { "bos_token", "eos_token", "pad_token" }.Select(key => TokenContent(config?[key])).OfType<string>().ToHashSet();
            var added = options.Vocabulary.Where(v => named.Contains(v.Key)).Select(v => new AddedToken(v.Key, v.Value, Special: true)).ToList();
            definition = new HfTokenizerJson.Definition(options, added, IgnoreMerges: false);
            kind = "byte-level BPE (vocab.json + merges.txt)";
        }
        else
        {
            throw new FileNotFoundException($"{directory}: no tokenizer found (expected tokenizer.json, vocab.json + merges.txt, or tokenizer_config.json naming a tiktoken_encoding).");
        }

        var special = ResolveSpecials(config, definition.AddedTokens, directory);
        return new TextTokenizer(BpeTokenizer.Create(definition.Options), definition.AddedTokens, special, kind, dir => CopyFiles(directory, dir), definition.IgnoreMerges);
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

    private static SpecialTokens ResolveSpecials(JsonNode? config, IReadOnlyList<AddedToken> added, string directory)
    {
        var ids = added.ToDictionary(t => t.Content, t => t.Id);
        int? Id(string key)
        {
            if (config?[$"{key}_id"] is JsonValue idValue && idValue.TryGetValue<int>(out var direct))
            {
                return direct;
            }

            return TokenContent(config?[key]) is { } content && ids.TryGetValue(content, out var id) ? id : null;
        }

        string[] knownEos = ["<|endoftext|>", "</s>", "<eos>", "<|im_end|>", "<|end_of_text|>"];
        var eos = Id("eos_token") ?? knownEos.Where(ids.ContainsKey).Select(t => (int?)ids[t]).FirstOrDefault()
            ?? throw new InvalidDataException($"{directory}: cannot tell the end-of-sequence token (set eos_token in tokenizer_config.json).");
        return new SpecialTokens(Id("pad_token") ?? eos, eos, Id("bos_token"));
    }

    /// <summary>A tokenizer_config.json token entry: a string, or an object with "content".</summary>
    private static string? TokenContent(JsonNode? node) => node switch
    {
        JsonObject o => o["content"]?.GetValue<string>(),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => null,
    };

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
