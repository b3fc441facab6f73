namespace RlSpec.Policy.Tasks;

/// <summary>Difficulty and length spread of the built-in arithmetic-chain task.</summary>
/// <param name="MinDigits">Fewest digits per operand (default 1).</param>
/// <param name="MaxDigits">Most digits per operand (default 2).</param>
/// <param name="Operations">Operators drawn uniformly: any of "+" and "-" (default "+-"); a subtraction that would go below 0 becomes an addition.</param>
/// <param name="MaxOperations">Longest chain (default 6). Chains of n operations are drawn with probability ∝ ½ⁿ⁻¹, so most are short and
/// a few are long: completion lengths have the long tail of reasoning tasks.</param>
public sealed record ChainTaskConfig(int MinDigits = 1, int MaxDigits = 2, string Operations = "+-", int MaxOperations = 6)
{
    public ChainTaskConfig Validated()
    {
        new ArithmeticTaskConfig(MinDigits, MaxDigits, Operations).Validated();
        return MaxOperations is >= 1 and <= 16 ? this : throw new ArgumentException($"chain task: max_ops must be in 1..16, got {MaxOperations}.");
    }
}
