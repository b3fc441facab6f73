using RlSpec.Policy.Tasks;

namespace RlSpec.Trainer.Experiments;

/// <summary>
/// Examples drawn from <paramref name="shifted"/> with probability <paramref name="shiftedShare"/>, else from
/// <paramref name="original"/>: fine-tuning on it moves a policy toward the new distribution while replaying the
/// old one, the way a KL-regularised RL update moves a policy without wrecking what it already does.
/// </summary>
public sealed class MixedTask(IVerifiableTask original, IVerifiableTask shifted, double shiftedShare) : IVerifiableTask
{
    public string Name => $"{original.Name}+{shifted.Name}";

    public string Alphabet => original.Alphabet;

    public IEnumerable<TaskExample> Examples(int seed)
    {
        var rng = new Random(seed);
        using var a = original.Examples(seed).GetEnumerator();
        using var b = shifted.Examples(seed + 1).GetEnumerator();
        while (true)
        {
            var source = rng.NextDouble() < shiftedShare ? b : a;
            if (!source.MoveNext())
            {
                yield break;
            }

            yield return source.Current;
        }
    }

    public RewardResult Score(TaskExample example, string completion) => original.Score(example, completion);
}
