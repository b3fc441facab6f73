namespace RlSpec.Policy.Tokenization;

/// <summary>Ids of the tokens generation and batching rely on.</summary>
/// <param name="Pad">Filler id for right-padded batches (never attended to, never scored).</param>
/// <param name="Eos">End of a completion: generation stops after emitting it.</param>
/// <param name="Bos">Prepended to prompts when the tokenizer has one.</param>
public sealed record SpecialTokens(int Pad, int Eos, int? Bos);
