namespace RlSpec.Trainer.Quickstart;

/// <summary>A log that can also show one line that updates in place (a terminal). Plain logs (a file, CI) cannot, and
/// get lines at intervals instead (<see cref="PhaseProgress"/>).</summary>
public interface ILiveLog : IProgress<string>
{
    /// <summary>Replaces the updating line; the next <see cref="IProgress{T}.Report"/> line is printed below it for good.</summary>
    void Update(string line);
}
