using RlSpec.Trainer.Grpo;
using RlSpec.Trainer.Pipeline;

namespace RlSpec.Trainer.Actors;

/// <summary>The coordinator's notes on the one step the trainer-side stages are working on.</summary>
internal sealed class StepInFlight(int step, PromptsLoaded prompts, StepRollouts rollouts)
{
    public int Step { get; } = step;
    public PromptsLoaded Prompts { get; } = prompts;
    public StepRollouts Rollouts { get; } = rollouts;
    public LogProbsRecomputed? LogProbs { get; set; }
    public PolicyUpdated? Update { get; set; }
}
