namespace RlSpec.Rollout.Generation;

/// <summary>
/// The continuous-batching scheduler: decides, between steps, which queued samples take free slots and where their
/// prompts are prefilled; the engine only carries its plans out (vLLM's split between scheduler and model runner).
/// Live sequences always occupy rows 0..Live−1, so a step runs on one contiguous view of the cache. Prompts are
/// prefilled into parking rows (slots .. slots+parking−1) and copied to each sample's slot, so a group shares one
/// prefill; a prompt whose samples did not all fit stays parked in row <c>slots</c> until they have. A finished row
/// leaves at once: the last live rows move into the holes.
/// </summary>
public sealed class SlotScheduler
{
    private readonly int[] _samples;
    private readonly long[] _firstSequence;
    private readonly Queue<int> _queue;
    private readonly List<long> _rowSequences = [];
    private (int Request, int Next)? _held;

    /// <param name="samplesPerRequest">Samples of each request; sequence ids number them in request order.</param>
    public SlotScheduler(IReadOnlyList<int> samplesPerRequest, int slots, int parkingRows)
    {
        if (slots < 1 || parkingRows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(slots), $"need at least one slot and one parking row, got {slots} and {parkingRows}.");
        }

        if (samplesPerRequest.Any(s => s < 1))
        {
            throw new ArgumentException("every request needs at least one sample.");
        }

        (Slots, ParkingRows) = (slots, parkingRows);
        _samples = [.. samplesPerRequest];
        _firstSequence = new long[_samples.Length];
        for (var r = 1; r < _samples.Length; r++)
        {
            _firstSequence[r] = _firstSequence[r - 1] + _samples[r - 1];
        }

        _queue = new Queue<int>(Enumerable.Range(0, _samples.Length));
    }

    public int Slots { get; }

    public int ParkingRows { get; }

    /// <summary>Rows the cache and drafters need: slots, then parking rows.</summary>
    public int Rows => Slots + ParkingRows;

    public int Live => _rowSequences.Count;

    /// <summary>True once every sample has been given a slot: from then on the batch only drains.</summary>
    public bool QueueEmpty => _queue.Count == 0 && _held is null;

    /// <summary>Sequence id of each live row, in row order.</summary>
    public IReadOnlyList<long> RowSequences => _rowSequences;

    /// <summary>Request a sequence id belongs to.</summary>
    public int RequestOf(long sequence)
    {
        var r = Array.BinarySearch(_firstSequence, sequence);
        return r >= 0 ? r : ~r - 1;
    }

    /// <summary>
    /// One admission round, or null when no slot is free or nothing is queued. Call it until it returns null before
    /// each step. Within a round the engine prefills, then copies admissions, then moves the held prompt.
    /// </summary>
    public AdmissionRound? NextRound()
    {
        var free = Slots - Live;
        if (free == 0 || QueueEmpty)
        {
            return null;
        }

        var admissions = new List<Admission>();
        if (_held is { } held)
        {
            // Its samples go first; new prompts wait for the next round, since they would be prefilled into its row.
            var take = Admit(held.Request, held.Next, Slots, free, admissions);
            _held = held.Next + take < _samples[held.Request] ? (held.Request, held.Next + take) : null;
            return new AdmissionRound([], admissions, null);
        }

        var prefills = new List<Prefill>();
        (int From, int To)? heldMove = null;
        while (free > 0 && _queue.Count > 0 && prefills.Count < ParkingRows)
        {
            var request = _queue.Dequeue();
            var row = Slots + prefills.Count;
            prefills.Add(new Prefill(request, row));
            var take = Admit(request, 0, row, free, admissions);
            free -= take;
            if (take < _samples[request])
            {
                _held = (request, take);
                heldMove = row == Slots ? null : (row, Slots);
            }
        }

        return new AdmissionRound(prefills, admissions, heldMove);
    }

    /// <summary>
    /// Removes finished rows and returns the moves (from → to, applied in order) that pack the live rows first again:
    /// the last live rows fill the holes.
    /// </summary>
    public IReadOnlyList<(int From, int To)> Release(IReadOnlyCollection<int> finishedRows)
    {
        var dead = new bool[Live];
        foreach (var row in finishedRows)
        {
            dead[row] = true;
        }

        var moves = new List<(int From, int To)>();
        var high = Live - 1;
        for (var low = 0; low < Live; low++)
        {
            if (!dead[low])
            {
                continue;
            }

            while (high > low && dead[high])
            {
                high--;
            }

            if (high <= low)
            {
                break;
            }

            moves.Add((high, low));
            _rowSequences[low] = _rowSequences[high];
            (dead[low], dead[high]) = (false, true);
            high--;
        }

        _rowSequences.RemoveRange(Live - finishedRows.Count, finishedRows.Count);
        return moves;
    }

    private int Admit(int request, int firstSample, int sourceRow, int free, List<Admission> admissions)
    {
        var take = Math.Min(free, _samples[request] - firstSample);
        for (var i = 0; i < take; i++)
        {
            var sequence = _firstSequence[request] + firstSample + i;
            admissions.Add(new Admission(sequence, request, sourceRow, Live));
            _rowSequences.Add(sequence);
        }

        return take;
    }
}
