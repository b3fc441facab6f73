using FluentAssertions;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Generation;
using Xunit;

namespace RlSpec.Rollout.Tests.Generation;

public sealed class StopStringMatcherTests
{
    private static readonly TextTokenizer Tokenizer = TextTokenizer.ForCharacters("ab;");

    private static List<int> Tokens(string text) => [.. Tokenizer.Encode(text)];

    [Fact]
    public void A_stop_string_is_found_at_the_end_of_a_long_completion_from_its_tail_alone()
    {
        var matcher = new StopStringMatcher(Tokenizer, ["b;"]);
        var text = string.Concat(Enumerable.Repeat("ab", 500));
        matcher.EndsWithStop(Tokens(text)).Should().BeFalse();
        matcher.EndsWithStop(Tokens(text + ";")).Should().BeTrue();
        matcher.EndsWithStop(Tokens(text + ";a")).Should().BeFalse();
    }

    [Fact]
    public void Without_stop_strings_nothing_ends_early() =>
        new StopStringMatcher(Tokenizer, null).EndsWithStop(Tokens("b;")).Should().BeFalse();
}
