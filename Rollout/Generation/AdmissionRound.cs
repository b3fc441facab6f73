namespace RlSpec.Rollout.Generation;

/// <summary>A prompt to prefill into parking row <paramref name="Row"/>.</summary>
public sealed record Prefill(int Request, int Row);

/// <summary>Sequence <paramref name="Sequence"/> of <paramref name="Request"/> starts in <paramref name="Slot"/> as a copy of parking row <paramref name="SourceRow"/>.</summary>
public sealed record Admission(long Sequence, int Request, int SourceRow, int Slot);

/// <summary>What one admission round does, in order: prefills, admissions, then the partly admitted prompt's move to the first parking row.</summary>
public sealed record AdmissionRound(IReadOnlyList<Prefill> Prefills, IReadOnlyList<Admission> Admissions, (int From, int To)? HeldMove);
