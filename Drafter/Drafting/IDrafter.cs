using RlSpec.Policy.Sampling;

namespace RlSpec.Drafter.Drafting;

/// <summary>
/// Proposes draft tokens for the rows of a continuous batch. Lifecycle per generation call: <see cref="Begin"/> (how
/// many rows its state must hold) → repeated <see cref="Propose"/> / <see cref="Commit"/>, with <see cref="CopyRow"/>
/// whenever the engine moves a sequence between rows (a prompt's prefill copied to its samples, a finished row's slot
/// refilled) → <see cref="End"/>. The live sequences always occupy rows 0..n−1. A proposal carries the distribution q
/// each token was drawn from: the verifier's exactness depends on q being the true one (one-hot for deterministic
/// drafters).
/// </summary>
public interface IDrafter
{
    string Name { get; }

    /// <summary>Starts a generation call whose sequences will occupy up to <paramref name="rows"/> rows of at most
    /// <paramref name="capacity"/> positions; every row starts empty.</summary>
    void Begin(int rows, SamplingParams sampling, int capacity);

    /// <summary>
    /// Proposes up to <paramref name="k"/> tokens for each live row b &lt; contexts.Count, continuing
    /// <paramref name="contexts"/>[b] (prompt + tokens committed so far, the last of which the policy has not seen
    /// yet). Random draws come from <paramref name="sampler"/>, which is bound to the live rows' sequences: a drafter
    /// draws the same number of uniforms for every row, so each sequence's stream advances independently of its batch.
    /// </summary>
    DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, int k, TokenSampler sampler);

    /// <summary>How many of its last proposals each live row accepted, so stateful drafters can roll back.</summary>
    void Commit(IReadOnlyList<int> accepted);

    /// <summary>Row <paramref name="to"/> continues from row <paramref name="from"/>'s state (the source row stays valid).</summary>
    void CopyRow(int from, int to);

    /// <summary>Row <paramref name="row"/> starts a new sequence: forget everything it held.</summary>
    void ResetRow(int row);

    void End();
}
