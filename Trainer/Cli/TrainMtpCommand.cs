using System.CommandLine;
using RlSpec.Drafter.DraftModel;
using RlSpec.Drafter.Mtp;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Rollout.Distillation;
using RlSpec.Rollout.Generation;
using RlSpec.Trainer.Quickstart;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec train-mtp</c>: add multi-token-prediction heads to a policy and train them on its own samples.</summary>
public static class TrainMtpCommand
{
    public static Command Create()
    {
        var defaults = new DistillationOptions();
        var policy = new Option<string>("--policy") { Description = "Policy checkpoint directory", Required = true };
        var output = new Option<string?>("--out") { Description = "New checkpoint directory: policy + heads (default: <policy>-mtp)" };
        var heads = new Option<int>("--heads") { DefaultValueFactory = _ => 4, Description = "Number of MTP heads (max draft length)" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => defaults.Steps, Description = "Optimizer steps" };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 32, Description = "Policy samples per step" };
        var temperature = new Option<double>("--temperature") { DefaultValueFactory = _ => 1.0, Description = "Temperature of the policy samples (match your rollouts)" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var seed = CommonOptions.Seed();
        var command = new Command("train-mtp", "Train multi-token-prediction heads on the frozen policy's own samples (forward KL to the policy).")
        {
            policy, output, heads, steps, batch, temperature, device, threads, seed,
        };
        command.SetAction(parse =>
        {
            var dev = RuntimeSetup.Apply(parse.GetValue(device)!, parse.GetValue(threads));
            var policyDir = parse.GetValue(policy)!;
            var outDir = parse.GetValue(output) ?? policyDir.TrimEnd('/') + "-mtp";
            RunDirectory.EnsureFreshCheckpointTarget(outDir);
            var (model, tokenizer) = PolicyCheckpoint.Load(policyDir, dev);
            var extended = MtpAttach.WithHeads(model, parse.GetValue(heads), parse.GetValue(seed));
            var source = new PolicySampleSource(extended, tokenizer, new ArithmeticTask(new ArithmeticTaskConfig()),
                new GenerationOptions(96, new SamplingParams(parse.GetValue(temperature))), parse.GetValue(batch), parse.GetValue(seed) + 1);
            var log = ConsoleLog.For("train-mtp");
            log.Report($"{parse.GetValue(heads)} heads, {extended.MtpParameters().Sum(p => p.numel()):N0} trainable parameters; policy frozen");
            var kl = new MtpTrainer(extended, tokenizer.Special.Pad, defaults with { Steps = parse.GetValue(steps) })
                .Train(_ => source.Next(), new SynchronousProgress<(int Step, double[] Kl)>(p =>
                    log.Report($"step {p.Step}  KL per head {string.Join(" ", p.Kl.Select(k => k.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}")));
            PolicyCheckpoint.Save(outDir, extended, tokenizer);
            log.Report($"saved policy with {parse.GetValue(heads)} MTP heads to {outDir}");
            return 0;
        });
        return command;
    }
}
