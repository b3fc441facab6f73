using System.Globalization;
using RlSpec.Trainer.Config;

namespace RlSpec.Trainer.Rewards;

/// <summary>
/// Warns when every reward of a step is the same: GRPO's group-normalised advantages are then all 0 and the step teaches
/// nothing. The usual cause is a reward that cannot tell completions apart, e.g. a JSONL task on the <c>exact</c> reward
/// without <c>task.answer_pattern</c> while completions carry a worked solution (every reward 0).
/// </summary>
public sealed class RewardSpread(TaskSection task)
{
    /// <summary>Consecutive steps with identical rewards so far.</summary>
    private int _flat;

    /// <summary>The warning for this step, or null. Loud on the first such step, then on every 10th in a row, so a run that
    /// cannot learn keeps saying so without flooding the log.</summary>
    public string? Check(int step, IReadOnlyList<double> rewards)
    {
        if (rewards.Count == 0 || rewards.Any(r => r != rewards[0]))
        {
            _flat = 0;
            return null;
        }

        _flat++;
        if (_flat != 1 && _flat % 10 != 0)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"WARNING: step {step}: all {rewards.Count} rewards are {rewards[0]}{(_flat > 1 ? $" ({_flat} steps in a row)" : "")}, so every advantage is 0 and the step teaches nothing. ")
            + Hint();
    }

    private string Hint() => task.Kind == "jsonl" && task.Reward == "exact" && task.AnswerPattern is null
        ? "task.reward 'exact' compares the whole trimmed completion with the answer and task.answer_pattern is not set: if completions carry a worked solution, "
            + "set task.answer_pattern (a regex whose first group is the answer) or use task.reward 'numeric'."
        : "Check task.reward and task.answer_pattern against a few completions in rollouts.msgpack, and that the policy solves some prompts but not all.";
}
