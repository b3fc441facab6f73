using RlSpec.Policy.Tasks;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Rewards;

namespace RlSpec.Trainer.Training;

/// <summary>The verifiable task a config names.</summary>
public static class TaskFactory
{
    public static IVerifiableTask Create(TaskSection task) => task.Kind switch
    {
        "arithmetic" => new ArithmeticTask(new ArithmeticTaskConfig(task.MinDigits, task.EffectiveMaxDigits, task.Operations)),
        "chain" => new ChainTask(new ChainTaskConfig(task.MinDigits, task.EffectiveMaxDigits, task.Operations, task.MaxOps)),
        "jsonl" => new JsonlTask(task.Dataset!, new AnswerReward(task.Reward, task.AnswerPattern)),
        _ => throw new ArgumentException($"task.kind '{task.Kind}' is not known."),
    };
}
