namespace RlSpec.Trainer.Grpo;

/// <summary>One completion ready for the update: its tokens, the policy's log-probs when it was sampled, and its reward.</summary>
/// <param name="PromptId">Dataset id of the prompt (groups share it).</param>
/// <param name="Prompt">Prompt token ids.</param>
/// <param name="Completion">Completion token ids (EOS included when generation stopped on it).</param>
/// <param name="BehaviourLogProbs">log π_behaviour of each completion token in the trained distribution (logits / temperature), recorded by the generator.</param>
/// <param name="Reward">Scalar reward.</param>
/// <param name="PolicyVersion">Weights version that generated it.</param>
public sealed record ScoredRollout(string PromptId, IReadOnlyList<int> Prompt, IReadOnlyList<int> Completion, IReadOnlyList<float> BehaviourLogProbs, double Reward, long PolicyVersion);
