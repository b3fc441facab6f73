using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Trainer.Config;

namespace RlSpec.Trainer.Tests.Training;

/// <summary>A tiny policy on the arithmetic alphabet and the settings of a run that takes seconds.</summary>
internal static class TinyRun
{
    public static string Policy(string dir)
    {
        var tokenizer = TextTokenizer.ForCharacters(new ArithmeticTask(new ArithmeticTaskConfig()).Alphabet);
        PolicyCheckpoint.Save(dir, WeightInit.NewPolicy(new PolicyConfig(tokenizer.VocabSize, HiddenSize: 32, NumLayers: 1, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 64), 5, 0.3), tokenizer);
        return dir;
    }

    public static readonly string[] Settings =
    [
        "model.device=cpu", "model.threads=1", "task.max_digits=2", "rollout.prompts_per_step=2", "rollout.group_size=2", "rollout.max_new_tokens=8",
        "drafter.pretrain_steps=3", "drafter.steps_per_update=1", "trainer.steps=2", "logging.checkpoint_every=1",
    ];

    public static RunConfig Config(string runDir, params string[] extra) => ConfigLoader.Load(null, [.. Settings, $"logging.run_dir={runDir}", .. extra]);

    /// <summary>Runs <paramref name="body"/> with stderr captured; returns what it wrote.</summary>
    public static string Stderr(Action body)
    {
        var original = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            body();
        }
        finally
        {
            Console.SetError(original);
        }

        return error.ToString();
    }
}
