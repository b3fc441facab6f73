namespace RlSpec.Trainer.Actors;

/// <summary>Where an actor's tensor work runs: the returned task completes (or faults) when it has run.</summary>
public interface IComputeThread
{
    Task<T> Run<T>(Func<T> work);
}
