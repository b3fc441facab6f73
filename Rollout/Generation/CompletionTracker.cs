using RlSpec.Policy.Tokenization;

namespace RlSpec.Rollout.Generation;

/// <summary>Host-side bookkeeping of a decoding batch: tokens so far, log-probs, and which rows have finished and why.</summary>
public sealed class CompletionTracker
{
    private readonly List<int>[] _tokens;
    private readonly List<float>[] _logProbs;
    private readonly List<float>[] _processed;
    private readonly FinishReason?[] _finish;
    private readonly TextTokenizer _tokenizer;
    private readonly IReadOnlyList<string> _stops;

    public CompletionTracker(int batch, TextTokenizer tokenizer, IReadOnlyList<string>? stopStrings)
    {
        _tokens = NewLists<int>(batch);
        _logProbs = NewLists<float>(batch);
        _processed = NewLists<float>(batch);
        _finish = new FinishReason?[batch];
        _tokenizer = tokenizer;
        _stops = stopStrings ?? [];
    }

    public bool AllDone => _finish.All(f => f is not null);

    public bool IsDone(int row) => _finish[row] is not null;

    /// <summary>Adds one step's token per row; rows already finished ignore theirs.</summary>
    public void Append(long[] tokens, float[] logProbs, float[] processed)
    {
        for (var b = 0; b < _tokens.Length; b++)
        {
            if (_finish[b] is null)
            {
                AppendOne(b, (int)tokens[b], logProbs[b], processed[b]);
            }
        }
    }

    /// <summary>Adds one token to one row, marking it finished on EOS or a stop string. Returns whether it is now finished.</summary>
    public bool AppendOne(int row, int token, float logProb, float processed)
    {
        _tokens[row].Add(token);
        _logProbs[row].Add(logProb);
        _processed[row].Add(processed);
        if (token == _tokenizer.Special.Eos)
        {
            _finish[row] = FinishReason.Eos;
        }
        else if (_stops.Count > 0 && EndsWithStop(row))
        {
            _finish[row] = FinishReason.StopString;
        }

        return _finish[row] is not null;
    }

    /// <summary>Tokens generated so far in one row.</summary>
    public int Count(int row) => _tokens[row].Count;

    /// <summary>Ends a row that has used its token budget.</summary>
    public void FinishForLength(int row) => _finish[row] ??= FinishReason.Length;

    /// <summary>Which rows are still generating.</summary>
    public bool[] Active() => _finish.Select(f => f is null).ToArray();

    /// <summary>The last token of each row to feed next (padding for finished rows).</summary>
    public long[] FeedTokens() =>
        _tokens.Select((t, b) => (long)(_finish[b] is null ? t[^1] : _tokenizer.Special.Pad)).ToArray();

    public IReadOnlyList<GeneratedSequence> Results() =>
        _tokens.Select((t, b) => new GeneratedSequence(t, _logProbs[b], _processed[b], _finish[b] ?? FinishReason.Length)).ToList();

    private bool EndsWithStop(int row)
    {
        var text = _tokenizer.Decode(_tokens[row]);
        return _stops.Any(s => text.EndsWith(s, StringComparison.Ordinal));
    }

    private static List<T>[] NewLists<T>(int n) => Enumerable.Range(0, n).Select(_ => new List<T>()).ToArray();
}
