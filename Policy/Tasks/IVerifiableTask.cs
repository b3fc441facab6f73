namespace RlSpec.Policy.Tasks;

/// <summary>A task whose completions can be scored by a program: prompts in, rewards out.</summary>
public interface IVerifiableTask
{
    string Name { get; }

    /// <summary>Characters the task's prompts and solutions use (a built-in tokenizer covers exactly these).</summary>
    string Alphabet { get; }

    /// <summary>Deterministic stream of examples: the same seed gives the same problems.</summary>
    IEnumerable<TaskExample> Examples(int seed);

    RewardResult Score(TaskExample example, string completion);
}
