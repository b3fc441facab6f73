namespace RlSpec.Trainer.Runs;

/// <summary>Where a run stands at a checkpoint: enough, with the weights and optimizer states, to continue exactly.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="PolicyVersion">Weights version (one per update).</param>
/// <param name="PromptsConsumed">Data cursor: prompts drawn from the task stream so far.</param>
/// <param name="AccuracyBefore">Greedy accuracy measured before the first step (null = not evaluated): a fact of the run's
/// summary that only the start can measure, kept here so a resumed run still reports it.</param>
public sealed record TrainerState(int Step, long PolicyVersion, long PromptsConsumed, double? AccuracyBefore = null);
