using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// <c>rlspec inspect CHECKPOINT [--text STRING] [--json]</c>: what a model directory holds, read from config.json, the
/// weight files' headers (no tensor data is read) and the tokenizer files.
/// </summary>
public static class InspectCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "HF-style model directory" };
        var text = new Option<string?>("--text") { Description = "Also print the ids the tokenizer gives this text (added tokens parsed, no BOS/EOS added)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (with \"ids\" when --text is given)" };
        var command = new Command("inspect", "Show a checkpoint's architecture, parameters by dtype, tokenizer and special tokens.") { checkpoint, text, json };
        command.SetAction(parse =>
        {
            var summary = Summarize(parse.GetValue(checkpoint)!, parse.GetValue(text));
            Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(summary, Json) : Describe(summary));
            return 0;
        });
        return command;
    }

    /// <summary>Everything <c>inspect</c> reports.</summary>
    public sealed record Summary(
        string Checkpoint,
        string ModelType,
        string? StoredDtype,
        PolicyConfig Architecture,
        IReadOnlyDictionary<string, long> ParametersByDtype,
        long Parameters,
        string TokenizerKind,
        int TokenizerVocabSize,
        IReadOnlyDictionary<string, SpecialToken?> SpecialTokens,
        int AddedTokens,
        IReadOnlyList<int>? Ids);

    public sealed record SpecialToken(int Id, string Text);

    public static Summary Summarize(string directory, string? text)
    {
        if (!Directory.Exists(directory))
        {
            throw new CheckpointFormatException($"{directory}: checkpoint directory not found.");
        }

        var configPath = Path.Combine(directory, "config.json");
        var config = HfModelConfig.Read(configPath);
        var tensors = CheckpointWeights.Describe(directory);
        var byDtype = tensors.GroupBy(t => ModelDType.Name(t.DType)).ToDictionary(g => g.Key, g => g.Sum(t => t.ElementCount));
        var tokenizer = TextTokenizer.Load(directory);
        SpecialToken? Named(int? id) => id is { } i ? new SpecialToken(i, tokenizer.Decode([i], keepSpecialTokens: true)) : null;
        var specials = new Dictionary<string, SpecialToken?>
        {
            ["bos"] = Named(tokenizer.Special.Bos),
            ["eos"] = Named(tokenizer.Special.Eos),
            ["pad"] = Named(tokenizer.Special.Pad),
        };
        return new Summary(directory, HfModelConfig.Declared(configPath, "model_type") ?? "llama", HfModelConfig.Declared(configPath, "torch_dtype"), config,
            byDtype, byDtype.Values.Sum(), tokenizer.Kind, tokenizer.VocabSize, specials, tokenizer.AddedTokens.Count,
            text is null ? null : tokenizer.EncodeWithSpecialTokens(text));
    }

    private static string Describe(Summary s)
    {
        var c = s.Architecture;
        string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            $"checkpoint   {s.Checkpoint}",
            $"architecture {s.ModelType}: {c.NumLayers} layers, hidden {c.HiddenSize}, {c.NumHeads} query / {c.NumKvHeads} KV heads of {c.HeadDim}, "
                + $"SwiGLU {c.IntermediateSize}, vocab {N(c.VocabSize)}, {(c.TieEmbeddings ? "tied" : "untied")} embeddings{(c.QkNorm ? ", q/k norm" : "")}",
            $"rotary       theta {c.RopeTheta.ToString(CultureInfo.InvariantCulture)}, {N(c.MaxPositions)} positions"
                + (c.RopeScaling is { } r ? $", llama3 scaling x{r.Factor.ToString(CultureInfo.InvariantCulture)} from {N(r.OriginalMaxPositions)}" : ""),
            $"parameters   {N(s.Parameters)} stored: {string.Join(", ", s.ParametersByDtype.Select(kv => $"{N(kv.Value)} {kv.Key}"))}"
                + (s.StoredDtype is { } d ? $" (config torch_dtype {d})" : ""),
            $"tokenizer    {s.TokenizerKind}, {N(s.TokenizerVocabSize)} ids, {s.AddedTokens} added tokens",
            $"special      {string.Join(", ", s.SpecialTokens.Select(kv => $"{kv.Key} {(kv.Value is { } t ? $"{t.Id} {JsonSerializer.Serialize(t.Text, Json)}" : "none")}"))}",
        };
        if (s.Ids is { } ids)
        {
            lines.Add($"ids          [{string.Join(", ", ids)}] ({ids.Count} tokens)");
        }

        return string.Join(Environment.NewLine, lines);
    }
}
