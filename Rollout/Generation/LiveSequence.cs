using RlSpec.Rollout.Speculative;

namespace RlSpec.Rollout.Generation;

/// <summary>
/// Host-side state of one sequence while it holds a slot: its context (prompt + committed tokens), the completion's
/// per-token log-probs, why it ended, what speculation did for it, and where its drafter-alignment supervision lies.
/// </summary>
internal sealed class LiveSequence(long id, IReadOnlyList<int> prompt, int budget, IReadOnlyList<SupervisionPart> promptSupervision)
{
    private readonly List<int> _completion = [];
    private readonly List<float> _logProbs = [];
    private readonly List<float> _processed = [];

    public long Id { get; } = id;

    public IReadOnlyList<int> Prompt { get; } = prompt;

    /// <summary>Prompt + completion so far; its last token is the pending one the policy has not seen.</summary>
    public List<int> Context { get; } = [.. prompt];

    public IReadOnlyList<int> Completion => _completion;

    public FinishReason? Finish { get; private set; }

    /// <summary>Tokens it may still emit before its budget (max new tokens, or the model's MaxPositions) ends it.</summary>
    public int Remaining => budget - _completion.Count;

    public List<VerifyStepCounts> VerifySteps { get; } = [];

    /// <summary>How its drafts fared against the shared acceptance estimate, for the live-batch controller (adaptive only).</summary>
    public RowAcceptance? Acceptance { get; init; }

    /// <summary>
    /// Whether its drafter skipped some of its positions when speculation resumed (a bounded catch-up window): drafting
    /// from a context with a gap, it is accepted less often than steady speculation would be, so the live-batch
    /// controller does not learn its shared acceptance from it (only this row's own, <see cref="Acceptance"/>).
    /// </summary>
    public bool DraftContextGap { get; set; }

    public List<SupervisionPart> Supervision { get; } = [.. promptSupervision];

    /// <summary>Adds one emitted token; returns whether the sequence is now finished (EOS, stop string or budget).</summary>
    public bool Append(int token, float logProb, float processed, int eos, StopStringMatcher stops)
    {
        _completion.Add(token);
        Context.Add(token);
        _logProbs.Add(logProb);
        _processed.Add(processed);
        Finish = token == eos ? FinishReason.Eos
            : stops.EndsWithStop(_completion) ? FinishReason.StopString
            : Remaining == 0 ? FinishReason.Length
            : null;
        return Finish is not null;
    }

    public GeneratedSequence Result() => new(_completion, _logProbs, _processed, Finish ?? FinishReason.Length);
}
