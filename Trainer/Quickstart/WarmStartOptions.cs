using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Training;

namespace RlSpec.Trainer.Quickstart;

/// <summary>Everything a warm start needs; null model config means the built-in policy shape for the task's tokenizer.</summary>
/// <param name="Task">Difficulty of the built-in arithmetic task.</param>
/// <param name="Sft">Optimiser settings and seed.</param>
/// <param name="Model">Policy shape; null = <see cref="PolicyConfig"/> defaults sized to the tokenizer.</param>
/// <param name="EvalCount">Held-out problems scored before and after (default 256).</param>
/// <param name="OutputDirectory">Where the checkpoint is written (must not already hold one).</param>
public sealed record WarmStartOptions(ArithmeticTaskConfig Task, SftOptions Sft, PolicyConfig? Model, int EvalCount, string OutputDirectory);
