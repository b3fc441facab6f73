using static TorchSharp.torch;

namespace RlSpec.Drafter.Alignment;

/// <summary>
/// What the policy computed anyway for one sequence, kept so a drafter can be trained on it without another
/// policy forward. Row r is sequence position r: the policy's captured hidden features there and its distribution
/// over token r+1. Rows cover every position but the last, so there is one row fewer than <see cref="Tokens"/>.
/// Rows before <see cref="PromptRows"/> − 1 only give context: drafts start at the last prompt token. Tensors live on the CPU.
/// </summary>
/// <param name="PolicyVersion">Version of the policy weights that produced the rows.</param>
/// <param name="Tokens">The whole sequence, prompt then completion.</param>
/// <param name="PromptRows">Rows that belong to the prompt (prompt length − 1).</param>
/// <param name="Features">Captured layers concatenated [rows, layers × hidden].</param>
/// <param name="Teacher">The policy's next-token distribution at each row (full or top-k).</param>
public sealed record SupervisionRecord(long PolicyVersion, int[] Tokens, int PromptRows, Tensor Features, TeacherDistribution Teacher) : IDisposable
{
    public int Length => Math.Max(0, Tokens.Length - 1);

    public void Dispose()
    {
        Features.Dispose();
        Teacher.Dispose();
    }
}
