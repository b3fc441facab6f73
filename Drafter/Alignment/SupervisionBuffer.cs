namespace RlSpec.Drafter.Alignment;

/// <summary>
/// Bounded, thread-safe store of <see cref="SupervisionRecord"/>s. It holds at most <paramref name="capacityRows"/>
/// token rows: adding past that evicts the oldest records, so memory stays fixed however long training runs and
/// the drafter learns from the most recent policy versions.
/// </summary>
public sealed class SupervisionBuffer(int capacityRows) : IDisposable
{
    private readonly Queue<SupervisionRecord> _records = new();
    private readonly object _lock = new();
    private long _rows;

    public int CapacityRows { get; } = capacityRows > 0 ? capacityRows : throw new ArgumentOutOfRangeException(nameof(capacityRows), "buffer capacity must be positive.");

    public long Rows
    {
        get
        {
            lock (_lock)
            {
                return _rows;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _records.Count;
            }
        }
    }

    /// <summary>Newest policy version held, or -1 when empty.</summary>
    public long LatestVersion
    {
        get
        {
            lock (_lock)
            {
                return _records.Count == 0 ? -1 : _records.Max(r => r.PolicyVersion);
            }
        }
    }

    /// <summary>Takes ownership of <paramref name="record"/> (it is disposed when evicted). Records with no rows are dropped.</summary>
    public void Add(SupervisionRecord record)
    {
        if (record.Length == 0)
        {
            record.Dispose();
            return;
        }

        lock (_lock)
        {
            _records.Enqueue(record);
            _rows += record.Length;
            while (_rows > CapacityRows && _records.Count > 1)
            {
                var old = _records.Dequeue();
                _rows -= old.Length;
                old.Dispose();
            }
        }
    }

    /// <summary>
    /// Draws <paramref name="count"/> records uniformly with replacement among those at least
    /// <paramref name="minVersion"/>. The records stay owned by the buffer: use them before the next <see cref="Add"/>.
    /// </summary>
    public IReadOnlyList<SupervisionRecord> Sample(Random rng, int count, long minVersion = long.MinValue)
    {
        lock (_lock)
        {
            var eligible = _records.Where(r => r.PolicyVersion >= minVersion).ToArray();
            return eligible.Length == 0 ? [] : Enumerable.Range(0, count).Select(_ => eligible[rng.Next(eligible.Length)]).ToArray();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var record in _records)
            {
                record.Dispose();
            }

            _records.Clear();
            _rows = 0;
        }
    }
}
