using System.Collections.Concurrent;

namespace RlSpec.Trainer.Actors;

/// <summary>
/// Runs tensor work on the thread that started the run, which pumps it until the run ends. libgomp throttles its
/// spin-waiting once more OpenMP threads exist than cores, and every thread that enters libtorch with two intra-op
/// threads brings a team of its own: with stages and a rollout worker on threads of their own, a sync step on 2 cores
/// took 1.4–1.6x as long as with everything on one thread. The sync pipeline's stages never overlap, so one thread
/// loses nothing.
/// </summary>
public sealed class HostThread : IComputeThread, IDisposable
{
    private readonly BlockingCollection<Action> _work = [];

    public Task<T> Run<T>(Func<T> work)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                result.SetResult(work());
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        });
        return result.Task;
    }

    /// <summary>Runs queued work on the calling thread until <paramref name="done"/> completes; returns its result.</summary>
    public T Pump<T>(Task<T> done)
    {
        // Not disposed: the continuation may cancel it after this method has returned.
        var stop = new CancellationTokenSource();
        _ = done.ContinueWith(_ => stop.Cancel(), TaskScheduler.Default);
        try
        {
            foreach (var work in _work.GetConsumingEnumerable(stop.Token))
            {
                work();
            }
        }
        catch (OperationCanceledException)
        {
        }

        return done.GetAwaiter().GetResult();
    }

    public void Dispose() => _work.Dispose();
}
