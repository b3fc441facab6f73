namespace RlSpec.Drafter.DraftModel;

/// <summary>Policy samples to distil on: full token sequences (prompt + completion) and where each completion starts.</summary>
public sealed record DistillationBatch(IReadOnlyList<IReadOnlyList<int>> Sequences, IReadOnlyList<int> PromptLengths);
