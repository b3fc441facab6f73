using RlSpec.Drafter.Eagle;

namespace RlSpec.Trainer.Experiments;

/// <summary>Settings of the drafter-alignment experiment.</summary>
/// <param name="Stages">Policy changes after the starting point (stage 0 measures the starting policy).</param>
/// <param name="PolicyStepsPerStage">Fine-tuning steps per stage (one persistent optimizer across stages).</param>
/// <param name="PolicyLearningRate">Learning rate of those steps.</param>
/// <param name="ShiftedShare">Share of fine-tuning examples in the result-first format (0 = continued SFT on the same format). On the
/// 0.8M-parameter policy any share above 0 wrecks accuracy within a stage, so the default shift is continued training.</param>
/// <param name="Prompts">Rollout prompts per stage (the same held-out prompts every stage).</param>
/// <param name="BatchSize">Sequences generated together.</param>
/// <param name="DraftTokens">Draft length k.</param>
/// <param name="Temperature">Rollout temperature.</param>
/// <param name="MaxNewTokens">Completion budget.</param>
/// <param name="Online">Online alignment after each stage's rollouts.</param>
/// <param name="RetrainSamples">Policy samples the from-scratch drafter is trained on at each stage.</param>
/// <param name="RetrainSteps">Optimizer steps of the from-scratch drafter (the starting drafter is trained the same way).</param>
/// <param name="Seed">Seeds sampling, data order and head initialisation.</param>
public sealed record AlignmentExperimentOptions(
    int Stages = 6,
    int PolicyStepsPerStage = 20,
    double PolicyLearningRate = 5e-4,
    double ShiftedShare = 0.0,
    int Prompts = 512,
    int BatchSize = 64,
    int DraftTokens = 4,
    double Temperature = 1.0,
    int MaxNewTokens = 96,
    AlignmentOptions? Online = null,
    int RetrainSamples = 512,
    int RetrainSteps = 150,
    int Seed = 1)
{
    public AlignmentOptions OnlineOptions => Online ?? new AlignmentOptions(StepsPerUpdate: 3, LearningRate: 1e-3, Depth: DraftTokens, MaxStaleness: 2);
}
