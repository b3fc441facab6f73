using RlSpec.Policy.Tasks;

namespace RlSpec.Rollout.Evaluation;

/// <summary>Accuracy of a policy on held-out task examples, with a few samples to eyeball.</summary>
public sealed record EvaluationResult(int Count, int Correct, double MeanCompletionTokens, IReadOnlyList<(TaskExample Example, string Completion, RewardResult Reward)> Samples)
{
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}
