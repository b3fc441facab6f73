using System.CommandLine;
using RlSpec.Drafter.DraftModel;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Runtime;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Rollout.Distillation;
using RlSpec.Rollout.Generation;
using RlSpec.Trainer.Quickstart;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec train-drafter</c>: distil a small draft model from a policy's own samples.</summary>
public static class TrainDrafterCommand
{
    public static Command Create()
    {
        var defaults = new DistillationOptions();
        var policy = new Option<string>("--policy") { Description = "Policy checkpoint directory", Required = true };
        var output = new Option<string?>("--out") { Description = "Draft checkpoint directory to create (default: <policy>/drafter)" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => defaults.Steps, Description = "Optimizer steps" };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 32, Description = "Policy samples per step" };
        var layers = new Option<int>("--layers") { DefaultValueFactory = _ => 1, Description = "Draft model layers" };
        var temperature = new Option<double>("--temperature") { DefaultValueFactory = _ => 1.0, Description = "Temperature of the policy samples (match your rollouts)" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var seed = CommonOptions.Seed();
        var command = new Command("train-drafter", "Distil a draft model from the policy's own samples (forward KL on completion tokens).")
        {
            policy, output, steps, batch, layers, temperature, device, threads, seed,
        };
        command.SetAction(parse =>
        {
            var dev = RuntimeSetup.Apply(parse.GetValue(device)!, parse.GetValue(threads));
            var policyDir = parse.GetValue(policy)!;
            var outDir = parse.GetValue(output) ?? Path.Combine(policyDir, "drafter");
            RunDirectory.EnsureFreshCheckpointTarget(outDir);
            var (model, tokenizer) = PolicyCheckpoint.Load(policyDir, dev);
            var draft = WeightInit.NewPolicy(DraftModelShape.For(model.Config, parse.GetValue(layers)), parse.GetValue(seed)).to(dev);
            var source = new PolicySampleSource(model, tokenizer, new ArithmeticTask(new ArithmeticTaskConfig()),
                new GenerationOptions(96, new SamplingParams(parse.GetValue(temperature))), parse.GetValue(batch), parse.GetValue(seed) + 1);
            var log = ConsoleLog.For("train-drafter");
            log.Report($"draft model: {draft.parameters().Sum(p => p.numel()):N0} parameters, policy: {model.parameters().Sum(p => p.numel()):N0}");
            var kl = new DraftModelDistiller(model, draft, tokenizer.Special.Pad, defaults with { Steps = parse.GetValue(steps) })
                .Train(_ => source.Next(), new SynchronousProgress<(int Step, double Kl)>(p => log.Report($"step {p.Step}  KL(policy||draft) {p.Kl:F4}")));
            PolicyCheckpoint.Save(outDir, draft, tokenizer);
            log.Report($"final KL {kl:F4}; saved draft model to {outDir}");
            return 0;
        });
        return command;
    }
}
