namespace RlSpec.Rollout.Generation;

/// <summary>One prompt and how many independent completions of it to generate (GRPO's group size G).</summary>
/// <param name="Prompt">Prompt token ids (non-empty).</param>
/// <param name="Samples">Completions wanted; they share one prefill of the prompt (default 1).</param>
public sealed record GenerationRequest(IReadOnlyList<int> Prompt, int Samples = 1);
