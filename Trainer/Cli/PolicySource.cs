using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// The policy a command works on: a checkpoint, or a seeded random built-in policy when none is given. The random
/// policy carries four random MTP heads so every drafter, mtp included, can be exercised without training.
/// </summary>
public static class PolicySource
{
    /// <param name="dtype">--dtype: the parameter dtype (the random policy is built in float32 and converted).</param>
    public static (PolicyModel Model, TextTokenizer Tokenizer) Load(string? checkpoint, torch.Device device, long seed, double randomStd, string dtype)
    {
        var wanted = ModelDType.Parse(dtype, "--dtype");
        if (checkpoint is not null)
        {
            return PolicyCheckpoint.Load(checkpoint, device, wanted);
        }

        var tokenizer = TextTokenizer.ForCharacters(new ArithmeticTask(new ArithmeticTaskConfig()).Alphabet);
        var model = WeightInit.NewPolicy(new PolicyConfig(tokenizer.VocabSize, MtpHeads: 4), seed, randomStd).to(device).to(wanted);
        model.eval();
        return (model, tokenizer);
    }
}
