namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Median of the last few observations. Step timings on a shared machine have outliers (JIT, GC, a neighbour's
/// burst) that would drag an average for many steps; a median forgets them at once.
/// </summary>
public sealed class RollingMedian(int window = 9)
{
    private readonly Queue<double> _values = new();

    public bool HasValue => _values.Count > 0;

    public int Count => _values.Count;

    public double Value => _values.Count == 0
        ? throw new InvalidOperationException("no observations yet")
        : _values.Order().ElementAt(_values.Count / 2);

    public void Add(double value)
    {
        _values.Enqueue(value);
        if (_values.Count > window)
        {
            _values.Dequeue();
        }
    }
}
