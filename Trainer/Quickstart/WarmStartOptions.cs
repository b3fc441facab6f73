using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Training;

namespace RlSpec.Trainer.Quickstart;

/// <summary>Everything a warm start needs.</summary>
/// <param name="Task">A built-in task with worked solutions (arithmetic or chain); its alphabet makes the tokenizer.</param>
/// <param name="Sft">Optimiser settings and seed.</param>
/// <param name="Shape">Policy preset and overrides, sized to the tokenizer.</param>
/// <param name="EvalCount">Held-out problems scored before and after (default 256).</param>
/// <param name="OutputDirectory">Where the checkpoint is written (must not already hold one).</param>
public sealed record WarmStartOptions(IVerifiableTask Task, SftOptions Sft, PolicyShape Shape, int EvalCount, string OutputDirectory);
