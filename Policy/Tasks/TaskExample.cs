namespace RlSpec.Policy.Tasks;

/// <summary>One verifiable problem: the prompt shown to the policy, the reference answer, and a worked solution for warm starts.</summary>
/// <param name="Id">Stable id (task name + seed + index) so rollouts can be traced back to their prompt.</param>
/// <param name="Prompt">Text the policy continues.</param>
/// <param name="Answer">Reference final answer the reward compares against.</param>
/// <param name="Solution">A correct completion (scratchpad + answer), or null where the task has none.</param>
public sealed record TaskExample(string Id, string Prompt, string Answer, string? Solution);
