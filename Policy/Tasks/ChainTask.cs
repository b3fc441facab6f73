using System.Globalization;
using System.Text;

namespace RlSpec.Policy.Tasks;

/// <summary>
/// Built-in long-tail task: a chain of 1 to N additions/subtractions, prompt <c>12+7-30=</c>, solved left to right with
/// one column scratchpad per operation (<see cref="ColumnScratchpad"/>), each ending in <c>A:partial;</c>, the last in
/// <c>A:answer</c>. Chain length is drawn with probability ∝ ½ⁿ⁻¹, so completion lengths are skewed: most rollouts of a
/// step end early and a few run long, which is where a continuous batch drains. Reward 1 for the exact integer after
/// the last <c>A:</c>, else 0.
/// </summary>
public sealed class ChainTask(ChainTaskConfig config) : IVerifiableTask
{
    /// <summary>Ends every intermediate result of the worked solution.</summary>
    public const char StepSeparator = ';';

    private readonly ChainTaskConfig _config = config.Validated();
    private readonly ArithmeticTask _scorer = new(new ArithmeticTaskConfig());

    public string Name => "chain";

    public string Alphabet => "0123456789+-=,A:;";

    public ChainTaskConfig Config => _config;

    public IEnumerable<TaskExample> Examples(int seed)
    {
        var rng = new Random(seed);
        for (var index = 0L; ; index++)
        {
            var operations = 1;
            while (operations < _config.MaxOperations && rng.NextDouble() < 0.5)
            {
                operations++;
            }

            var value = Operand(rng);
            var prompt = new StringBuilder(value.ToString(CultureInfo.InvariantCulture));
            var solution = new StringBuilder();
            for (var i = 0; i < operations; i++)
            {
                var op = _config.Operations[rng.Next(_config.Operations.Length)];
                var operand = Operand(rng);
                if (op == '-' && operand > value)
                {
                    op = '+';
                }

                prompt.Append(op).Append(operand.ToString(CultureInfo.InvariantCulture));
                solution.Append(ColumnScratchpad.Write(value, op, operand));
                value = op == '+' ? value + operand : value - operand;
                if (i + 1 < operations)
                {
                    solution.Append(StepSeparator);
                }
            }

            yield return new TaskExample($"{Name}-{seed}-{index}", prompt.Append('=').ToString(), value.ToString(CultureInfo.InvariantCulture), solution.ToString());
        }
    }

    /// <summary>The last <c>A:</c> must hold the chain's value; partial results before it do not count.</summary>
    public RewardResult Score(TaskExample example, string completion) => _scorer.Score(example, completion);

    private long Operand(Random rng)
    {
        var digits = rng.Next(_config.MinDigits, _config.MaxDigits + 1);
        var low = digits == 1 ? 0 : (long)Math.Pow(10, digits - 1);
        return rng.NextInt64(low, (long)Math.Pow(10, digits));
    }
}
