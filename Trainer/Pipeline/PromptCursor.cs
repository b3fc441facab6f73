using RlSpec.Policy.Tasks;

namespace RlSpec.Trainer.Pipeline;

/// <summary>The data stage: the task's seeded example stream, read from a saved position so a resumed run sees the prompts
/// an uninterrupted one would.</summary>
public sealed class PromptCursor(IVerifiableTask task, int seed, long consumed) : IDisposable
{
    private readonly IEnumerator<TaskExample> _examples = task.Examples(seed).Skip(checked((int)consumed)).GetEnumerator();

    public long Consumed { get; private set; } = consumed;

    public IReadOnlyList<TaskExample> Next(int count)
    {
        var prompts = new List<TaskExample>(count);
        while (prompts.Count < count)
        {
            prompts.Add(_examples.MoveNext() ? _examples.Current
                : throw new InvalidOperationException($"the task's example stream ended after {Consumed + prompts.Count} prompts."));
        }

        Consumed += count;
        return prompts;
    }

    public void Dispose() => _examples.Dispose();
}
