using System.CommandLine;
using System.Globalization;
using RlSpec.Drafter.Mtp;
using RlSpec.Policy.Checkpoints;
using RlSpec.Trainer.Quickstart;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec train-mtp</c>: add multi-token-prediction heads to a policy and train them on its own samples.</summary>
public static class TrainMtpCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "New checkpoint directory: policy + heads (default: <policy>-mtp)" };
        var heads = new Option<int>("--heads") { DefaultValueFactory = _ => 4, Description = "Number of MTP heads (max draft length)" };
        var command = new Command("train-mtp", "Train multi-token-prediction heads on the frozen policy's own samples (forward KL to the policy).")
        {
            output, heads,
        };
        var shared = PolicySamplingCliOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var outDir = parse.GetValue(output) ?? shared.PolicyDirectory(parse).TrimEnd('/') + "-mtp";
            RunDirectory.EnsureFreshCheckpointTarget(outDir);
            var (model, tokenizer) = shared.LoadPolicy(parse);
            var extended = MtpAttach.WithHeads(model, parse.GetValue(heads), shared.Seed(parse));
            var source = shared.Samples(parse, extended, tokenizer);
            var log = ConsoleLog.For("train-mtp");
            log.Report($"{parse.GetValue(heads)} heads, {extended.MtpParameters().Sum(p => p.numel()):N0} trainable parameters; policy frozen");
            new MtpTrainer(extended, tokenizer.Special.Pad, shared.Training(parse))
                .Train(_ => source.Next(), new SynchronousProgress<(int Step, double[] Kl)>(p =>
                    log.Report($"step {p.Step}  KL per head {string.Join(" ", p.Kl.Select(k => k.ToString("F3", CultureInfo.InvariantCulture)))}")));
            PolicyCheckpoint.Save(outDir, extended, tokenizer);
            log.Report($"saved policy with {parse.GetValue(heads)} MTP heads to {outDir}");
            return 0;
        });
        return command;
    }
}
