namespace RlSpec.Rollout.Speculative;

/// <summary>Where a sequence's committed positions lie in the recorder's captured forwards: <paramref name="Count"/>
/// positions of row <paramref name="Row"/> of captured forward <paramref name="Forward"/>.</summary>
public readonly record struct SupervisionPart(int Forward, int Row, int Count);
