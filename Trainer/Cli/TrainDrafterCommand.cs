using System.CommandLine;
using RlSpec.Drafter.DraftModel;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Trainer.Quickstart;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec train-drafter</c>: distil a small draft model from a policy's own samples.</summary>
public static class TrainDrafterCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Draft checkpoint directory to create (default: <policy>/drafter)" };
        var layers = new Option<int>("--layers") { DefaultValueFactory = _ => 1, Description = "Draft model layers" };
        var command = new Command("train-drafter", "Distil a draft model from the policy's own samples (forward KL on completion tokens).")
        {
            output, layers,
        };
        var shared = PolicySamplingCliOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var outDir = parse.GetValue(output) ?? Path.Combine(shared.PolicyDirectory(parse), "drafter");
            RunDirectory.EnsureFreshCheckpointTarget(outDir);
            var (model, tokenizer) = shared.LoadPolicy(parse);
            var draft = WeightInit.NewPolicy(DraftModelShape.For(model.Config, parse.GetValue(layers)), shared.Seed(parse)).to(model.Device);
            var source = shared.Samples(parse, model, tokenizer);
            var log = ConsoleLog.For("train-drafter");
            log.Report($"draft model: {draft.parameters().Sum(p => p.numel()):N0} parameters, policy: {model.parameters().Sum(p => p.numel()):N0}");
            var kl = new DraftModelDistiller(model, draft, tokenizer.Special.Pad, shared.Training(parse))
                .Train(_ => source.Next(), new SynchronousProgress<(int Step, double Kl)>(p => log.Report($"step {p.Step}  KL(policy||draft) {p.Kl:F4}")));
            PolicyCheckpoint.Save(outDir, draft, tokenizer);
            log.Report($"final KL {kl:F4}; saved draft model to {outDir}");
            return 0;
        });
        return command;
    }
}
