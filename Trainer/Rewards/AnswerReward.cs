using System.Globalization;
using System.Text.RegularExpressions;
using RlSpec.Policy.Tasks;

namespace RlSpec.Trainer.Rewards;

/// <summary>
/// Reward of a completion against a dataset answer. The answer is first extracted from the completion (the first
/// group of <c>answerPattern</c>, else the trimmed completion), then compared: <c>exact</c> string equality,
/// <c>numeric</c> equality of the last number in it within 1e-6 relative, or <c>regex</c>: the dataset answer
/// is a pattern the extracted text must fully match.
/// </summary>
public sealed class AnswerReward(string kind, string? answerPattern)
{
    private readonly Regex? _extract = answerPattern is null ? null : new Regex(answerPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public RewardResult Score(string completion, string answer)
    {
        var extracted = Extract(completion);
        if (extracted is null)
        {
            return RewardResult.Wrong(null, "answer pattern did not match");
        }

        return kind switch
        {
            "exact" => extracted == answer.Trim() ? RewardResult.Right(extracted) : RewardResult.Wrong(extracted, $"expected '{answer.Trim()}'"),
            "numeric" => Numeric(extracted, answer),
            "regex" => Regex.IsMatch(extracted, $"^(?:{answer})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
                ? RewardResult.Right(extracted) : RewardResult.Wrong(extracted, $"does not match /{answer}/"),
            _ => throw new ArgumentException($"unknown reward '{kind}'; expected exact, numeric or regex."),
        };
    }

    private string? Extract(string completion)
    {
        if (_extract is null)
        {
            return completion.Trim();
        }

        var match = _extract.Match(completion);
        return !match.Success ? null : match.Groups.Count > 1 ? match.Groups[1].Value.Trim() : match.Value.Trim();
    }

    private static RewardResult Numeric(string extracted, string answer)
    {
        var numbers = Regex.Matches(extracted, @"-?\d+(?:\.\d+)?", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        if (numbers.Count == 0)
        {
            return RewardResult.Wrong(null, "no number in the completion");
        }

        var got = double.Parse(numbers[^1].Value, CultureInfo.InvariantCulture);
        if (!double.TryParse(answer, NumberStyles.Float, CultureInfo.InvariantCulture, out var want))
        {
            throw new ArgumentException($"numeric reward: dataset answer '{answer}' is not a number.");
        }

        return Math.Abs(got - want) <= 1e-6 * Math.Max(1, Math.Abs(want)) ? RewardResult.Right(numbers[^1].Value) : RewardResult.Wrong(numbers[^1].Value, $"expected {answer}");
    }
}
