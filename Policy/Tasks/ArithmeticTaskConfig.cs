namespace RlSpec.Policy.Tasks;

/// <summary>Difficulty of the built-in arithmetic task.</summary>
/// <param name="MinDigits">Fewest digits per operand (default 1).</param>
/// <param name="MaxDigits">Most digits per operand (default 4).</param>
/// <param name="Operations">Operators drawn uniformly: any of "+" and "-" (default "+-"). Subtraction keeps results non-negative.</param>
/// <param name="ResultFirst">Write each scratchpad column result first (<c>CD=a+b+c,</c>) instead of last: the same task in another
/// format, used to shift a policy's output distribution in drafter-alignment experiments.</param>
public sealed record ArithmeticTaskConfig(int MinDigits = 1, int MaxDigits = 4, string Operations = "+-", bool ResultFirst = false)
{
    public ArithmeticTaskConfig Validated()
    {
        if (MinDigits < 1 || MaxDigits < MinDigits || MaxDigits > 9)
        {
            throw new ArgumentException($"arithmetic task: need 1 <= min_digits <= max_digits <= 9, got {MinDigits}..{MaxDigits}.");
        }

        if (Operations.Length == 0 || Operations.Any(op => op is not ('+' or '-')))
        {
            throw new ArgumentException($"arithmetic task: operations must be a non-empty string of '+' and '-', got '{Operations}'.");
        }

        return this;
    }
}
