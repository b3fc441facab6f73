namespace RlSpec.Trainer.Actors;

/// <summary>Runs work at once on the calling actor's own thread (rollout workers in the asynchronous pipeline, and tests).</summary>
public sealed class InlineCompute : IComputeThread
{
    public static readonly InlineCompute Instance = new();

    public Task<T> Run<T>(Func<T> work)
    {
        try
        {
            return Task.FromResult(work());
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }
}
