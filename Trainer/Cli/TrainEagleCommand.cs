using System.CommandLine;
using System.Globalization;
using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Eagle;
using RlSpec.Trainer.Quickstart;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// <c>rlspec train-eagle</c> / <c>rlspec train-chunk</c>: pretrain an EAGLE head (sequential drafting) or a chunk head (k drafts
/// from one forward) from scratch on the frozen policy's own samples and save it beside the policy.
/// </summary>
public static class TrainEagleCommand
{
    /// <summary>Sequences the built-in warm start trains on (its default steps × batch), the yardstick of a drafter's data budget.</summary>
    private static readonly long WarmStartSequences = (long)new Policy.Training.SftOptions().Steps * new Policy.Training.SftOptions().BatchSize;

    public static Command Create(bool chunk = false)
    {
        var (name, kind) = chunk ? ("train-chunk", "chunk") : ("train-eagle", "EAGLE");
        var depth = new Option<int>("--depth") { DefaultValueFactory = _ => 4, Description = "Draft positions trained per context position (training-time test); use your draft length k" };
        var topK = new Option<int>("--teacher-top-k") { DefaultValueFactory = _ => 0, Description = "Keep only the policy's top-k log-probs as the target (0 = full distribution)" };
        var force = new Option<bool>("--overwrite") { Description = $"Replace a {kind} head already saved beside the policy" };
        var command = new Command(name, chunk
            ? "Pretrain a chunk drafter head (k drafts from one forward over placeholders, on fused policy features) on the policy's own samples; saved to <policy>/chunk."
            : "Pretrain an EAGLE-3 style head (fused low/mid/high policy features) on the policy's own samples; saved to <policy>/eagle.")
        {
            depth, topK, force,
        };
        var shared = PolicySamplingCliOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var policyDir = shared.PolicyDirectory(parse);
            var target = EagleCheckpoint.PathFor(policyDir, chunk);
            if (!parse.GetValue(force))
            {
                RunDirectory.EnsureFreshCheckpointTarget(target);
            }

            var (model, tokenizer) = shared.LoadPolicy(parse);
            torch.manual_seed(shared.Seed(parse));
            var head = new EagleHead(model.Config, EagleConfig.For(model.Config, chunk)).to(model.Device).to(model.DType);
            var source = shared.Samples(parse, model, tokenizer);
            var options = shared.Training(parse);
            var log = ConsoleLog.For(name);
            log.Report($"{kind} head over layers [{string.Join(", ", head.Config.FeatureLayers)}]: {head.parameters().Sum(p => p.numel()):N0} trainable parameters "
                + $"(policy {model.parameters().Sum(p => p.numel()):N0}, frozen; embedding and LM head shared); data budget {shared.Sequences(parse):N0} policy samples, "
                + $"{(double)shared.Sequences(parse) / WarmStartSequences:P0} of the warm start's {WarmStartSequences:N0}");
            using var trainer = new EagleTrainer(model, head, options.LearningRate, options.GradClip, options.CrossEntropyWeight);
            var kl = trainer.Pretrain(_ => source.Next(), tokenizer.Special.Pad, new SupervisionOptions(head.Config.FeatureLayers, parse.GetValue(topK)), options,
                parse.GetValue(depth), new SynchronousProgress<(int Step, double[] Kl)>(p =>
                    log.Report($"step {p.Step}  KL per draft step {string.Join(" ", p.Kl.Select(k => k.ToString("F3", CultureInfo.InvariantCulture)))}")));
            EagleCheckpoint.Save(policyDir, head, model.Config, policyVersion: 0);
            log.Report($"final mean KL {kl.Average():F4}; saved {kind} head to {target}");
            return 0;
        });
        return command;
    }
}
