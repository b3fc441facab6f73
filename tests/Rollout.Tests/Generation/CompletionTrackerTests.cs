using FluentAssertions;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Generation;
using Xunit;

namespace RlSpec.Rollout.Tests.Generation;

public sealed class CompletionTrackerTests
{
    private static readonly TextTokenizer Tokenizer = TextTokenizer.ForCharacters("ab;");
    private static readonly int A = Tokenizer.Encode("a")[0];
    private static readonly int B = Tokenizer.Encode("b")[0];
    private static readonly int Semi = Tokenizer.Encode(";")[0];
    private static readonly int Eos = Tokenizer.Special.Eos;

    [Fact]
    public void A_row_ends_at_eos_which_it_keeps_while_other_rows_go_on()
    {
        var tracker = new CompletionTracker(2, Tokenizer, null);
        tracker.Append([A, B], [-1, -1], [-1, -1]);
        tracker.Append([Eos, B], [-2, -2], [-2, -2]);
        tracker.FeedTokens().Should().Equal(Tokenizer.Special.Pad, B);
        tracker.Append([A, A], [-3, -3], [-3, -3]);

        var results = tracker.Results();
        results[0].Completion.Should().Equal(A, Eos);
        results[0].Finish.Should().Be(FinishReason.Eos);
        results[0].LogProbs.Should().Equal(-1, -2);
        results[1].Completion.Should().Equal(B, B, A);
        results[1].Finish.Should().Be(FinishReason.Length);
        tracker.AllDone.Should().BeFalse();
    }

    [Fact]
    public void A_stop_string_ends_a_row()
    {
        var tracker = new CompletionTracker(1, Tokenizer, ["b;"]);
        tracker.AppendOne(0, A, 0, 0).Should().BeFalse();
        tracker.AppendOne(0, B, 0, 0).Should().BeFalse();
        tracker.AppendOne(0, Semi, 0, 0).Should().BeTrue();
        tracker.Results()[0].Finish.Should().Be(FinishReason.StopString);
        tracker.AllDone.Should().BeTrue();
    }
}
