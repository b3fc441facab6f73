namespace RlSpec.Trainer.Quickstart;

/// <summary>Reports on the calling thread, in order (System.Progress posts to the thread pool and can reorder lines).</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
