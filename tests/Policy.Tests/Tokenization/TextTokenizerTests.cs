using System.Text.Json.Nodes;
using FluentAssertions;
using RlSpec.Policy.Tokenization;
using Xunit;

namespace RlSpec.Policy.Tests.Tokenization;

public sealed class TextTokenizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-tok-").FullName;

    [Fact]
    public void Character_tokenizer_round_trips_text_and_reserves_special_ids()
    {
        var tokenizer = TextTokenizer.ForCharacters("0123456789+-=,A: ");
        var ids = tokenizer.Encode("347+85= 7+5+0=12,A:432");
        ids.Should().HaveCount(22).And.OnlyContain(id => id >= 4);
        tokenizer.Decode(ids).Should().Be("347+85= 7+5+0=12,A:432");
        tokenizer.Special.Should().Be(new SpecialTokens(Pad: 0, Eos: 2, Bos: 1));
        tokenizer.Decode([1, .. ids, 2, 0, 0]).Should().Be("347+85= 7+5+0=12,A:432", "special ids are dropped when decoding");
        tokenizer.VocabSize.Should().Be(21);
    }

    [Fact]
    public void Special_token_text_in_a_prompt_is_not_turned_into_special_ids()
    {
        var tokenizer = TextTokenizer.ForCharacters("<>eos");
        tokenizer.Encode("<eos>").Should().NotContain(tokenizer.Special.Eos);
    }

    [Fact]
    public void A_saved_tokenizer_json_loads_back_with_the_same_ids()
    {
        var tokenizer = TextTokenizer.ForCharacters("0123456789+-=,A:");
        tokenizer.Save(_dir);
        var loaded = TextTokenizer.Load(_dir);
        loaded.Encode("12+30=").Should().Equal(tokenizer.Encode("12+30="));
        loaded.Special.Should().Be(tokenizer.Special);
        loaded.VocabSize.Should().Be(tokenizer.VocabSize);
    }

    [Fact]
    public void An_hf_bpe_tokenizer_json_with_merges_and_config_specials_loads()
    {
        var tokenizerJson = new JsonObject
        {
            ["added_tokens"] = new JsonArray(new JsonObject { ["id"] = 0, ["content"] = "</s>", ["special"] = true }),
            ["pre_tokenizer"] = new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = "\\w+|\\s+" } },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["vocab"] = new JsonObject { ["</s>"] = 0, ["a"] = 1, ["b"] = 2, ["ab"] = 3, ["c"] = 4, ["abc"] = 5, [" "] = 6 },
                ["merges"] = new JsonArray("a b", new JsonArray("ab", "c")),
            },
        };
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), tokenizerJson.ToJsonString());
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");

        var tokenizer = TextTokenizer.Load(_dir);
        tokenizer.Encode("abc ab").Should().Equal(5, 6, 3);
        tokenizer.Special.Eos.Should().Be(0);
        tokenizer.Decode([5, 6, 3, 0]).Should().Be("abc ab");
    }

    [Fact]
    public void A_gpt2_style_vocab_and_merges_pair_loads_as_byte_level_bpe()
    {
        // Byte-level BPE spells a leading space as 'Ġ'.
        File.WriteAllText(Path.Combine(_dir, "vocab.json"), "{\"a\": 0, \"b\": 1, \"ab\": 2, \"Ġ\": 3, \"Ġab\": 4, \"<|endoftext|>\": 5}");
        File.WriteAllText(Path.Combine(_dir, "merges.txt"), "#version: 0.2\na b\nĠ ab\n");
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), "{\"eos_token\": \"<|endoftext|>\", \"eos_token_id\": 5}");

        var tokenizer = TextTokenizer.Load(_dir);
        var ids = tokenizer.Encode("ab ab");
        ids.Should().Equal(2, 4);
        tokenizer.Decode(ids).Should().Be("ab ab");
        tokenizer.Special.Eos.Should().Be(5);
    }

    [Fact]
    public void A_byte_level_tokenizer_json_keeps_leading_spaces_with_their_word()
    {
        var tokenizerJson = new JsonObject
        {
            ["added_tokens"] = new JsonArray(new JsonObject { ["id"] = 5, ["content"] = "<|endoftext|>", ["special"] = true }),
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["vocab"] = new JsonObject { ["a"] = 0, ["b"] = 1, ["ab"] = 2, ["Ġ"] = 3, ["Ġab"] = 4, ["<|endoftext|>"] = 5 },
                ["merges"] = new JsonArray("a b", "Ġ ab"),
            },
        };
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), tokenizerJson.ToJsonString());

        var tokenizer = TextTokenizer.Load(_dir);
        tokenizer.Encode("ab ab").Should().Equal(2, 4);
        tokenizer.Special.Eos.Should().Be(5, "<|endoftext|> is recognised without a tokenizer_config.json");
    }

    [Fact]
    public void A_non_bpe_tokenizer_json_is_refused_naming_its_type()
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), "{\"model\": {\"type\": \"Unigram\"}}");
        var act = () => TextTokenizer.Load(_dir);
        act.Should().Throw<InvalidDataException>().WithMessage("*tokenizer.json*'Unigram'*");
    }

    [Fact]
    public void A_directory_without_tokenizer_files_says_what_it_expected()
    {
        var act = () => TextTokenizer.Load(_dir);
        act.Should().Throw<FileNotFoundException>().WithMessage("*tokenizer.json*vocab.json*");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
