using RlSpec.Policy.Sampling;

namespace RlSpec.Drafter.Drafting;

/// <summary>
/// Proposes draft tokens for a batch of sequences. Lifecycle per generation batch:
/// <see cref="Begin"/> (prompts known) → repeated <see cref="Propose"/> / <see cref="Commit"/> → <see cref="End"/>.
/// A proposal carries the distribution q each token was drawn from: the verifier's exactness depends on q being
/// the true one (one-hot for deterministic drafters).
/// </summary>
public interface IDrafter
{
    string Name { get; }

    /// <summary>Starts a batch. <paramref name="prompts"/> are full prompt token lists.</summary>
    void Begin(IReadOnlyList<IReadOnlyList<int>> prompts, SamplingParams sampling, int capacity);

    /// <summary>
    /// Proposes up to <paramref name="k"/> tokens per row continuing <paramref name="contexts"/> (prompt + tokens
    /// committed so far, the last of which the policy has not seen yet). Rows in <paramref name="active"/> false
    /// may be skipped (propose nothing).
    /// </summary>
    DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, IReadOnlyList<bool> active, int k, TokenSampler sampler);

    /// <summary>Tells the drafter how many of its last proposals each row accepted, so stateful drafters can roll back.</summary>
    void Commit(IReadOnlyList<int> accepted);

    void End();
}
