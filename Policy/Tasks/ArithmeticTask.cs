using System.Globalization;

namespace RlSpec.Policy.Tasks;

/// <summary>
/// Built-in verifiable task: multi-digit addition/subtraction, prompt <c>347+85=</c>, completion a column
/// scratchpad ending in <c>A:432</c>. Reward 1 for the exact integer after the last <c>A:</c>, else 0.
/// </summary>
public sealed class ArithmeticTask(ArithmeticTaskConfig config) : IVerifiableTask
{
    private readonly ArithmeticTaskConfig _config = config.Validated();

    public string Name => "arithmetic";

    public string Alphabet => "0123456789+-=,A:";

    public ArithmeticTaskConfig Config => _config;

    public IEnumerable<TaskExample> Examples(int seed)
    {
        var rng = new Random(seed);
        for (var index = 0L; ; index++)
        {
            var op = _config.Operations[rng.Next(_config.Operations.Length)];
            var a = Operand(rng);
            var b = Operand(rng);
            if (op == '-' && b > a)
            {
                (a, b) = (b, a);
            }

            var answer = (op == '+' ? a + b : a - b).ToString(CultureInfo.InvariantCulture);
            yield return new TaskExample($"{Name}-{seed}-{index}", $"{a}{op}{b}=", answer, ColumnScratchpad.Write(a, op, b, _config.ResultFirst));
        }
    }

    public RewardResult Score(TaskExample example, string completion)
    {
        var marker = completion.LastIndexOf(ColumnScratchpad.AnswerMarker, StringComparison.Ordinal);
        if (marker < 0)
        {
            return RewardResult.Wrong(null, "no 'A:' answer marker");
        }

        var text = completion[(marker + ColumnScratchpad.AnswerMarker.Length)..];
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return RewardResult.Wrong(text, $"answer '{text}' is not an integer");
        }

        var extracted = value.ToString(CultureInfo.InvariantCulture);
        return extracted == example.Answer ? RewardResult.Right(extracted) : RewardResult.Wrong(extracted, $"expected {example.Answer}");
    }

    private long Operand(Random rng)
    {
        var digits = rng.Next(_config.MinDigits, _config.MaxDigits + 1);
        var low = digits == 1 ? 0 : (long)Math.Pow(10, digits - 1);
        return rng.NextInt64(low, (long)Math.Pow(10, digits));
    }
}
