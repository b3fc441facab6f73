using System.CommandLine;
using RlSpec.Drafter.Eagle;
using RlSpec.Trainer.Experiments;
using RlSpec.Trainer.Quickstart;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec experiment alignment</c>: the drafter-alignment experiment (frozen vs online vs retrained).</summary>
public static class ExperimentCommand
{
    public static Command Create()
    {
        var defaults = new AlignmentExperimentOptions();
        var checkpoint = CommonOptions.Checkpoint(required: true);
        checkpoint.Description += " (a warm-started policy; it is fine-tuned in memory, the checkpoint is not changed)";
        var output = new Option<string>("--out") { Description = "Directory for alignment.csv/.md/.png (must be new or empty)", Required = true };
        var stages = new Option<int>("--stages") { DefaultValueFactory = _ => defaults.Stages, Description = "Policy changes after the start" };
        var policySteps = new Option<int>("--policy-steps") { DefaultValueFactory = _ => defaults.PolicyStepsPerStage, Description = "Fine-tuning steps per stage" };
        var policyLr = new Option<double>("--policy-lr") { DefaultValueFactory = _ => defaults.PolicyLearningRate, Description = "Fine-tuning learning rate" };
        var shiftedShare = new Option<double>("--shifted-share") { DefaultValueFactory = _ => defaults.ShiftedShare, Description = "Share of fine-tuning examples in the new format" };
        var prompts = new Option<int>("--prompts") { DefaultValueFactory = _ => defaults.Prompts, Description = "Rollout prompts per stage" };
        var alignSteps = new Option<int>("--align-steps") { DefaultValueFactory = _ => defaults.OnlineOptions.StepsPerUpdate, Description = "Online alignment steps per stage" };
        var alignLr = new Option<double>("--align-lr") { DefaultValueFactory = _ => defaults.OnlineOptions.LearningRate, Description = "Online alignment learning rate" };
        var alignRecords = new Option<int>("--align-records") { DefaultValueFactory = _ => defaults.OnlineOptions.BatchRecords, Description = "Sequences per online alignment step" };
        var retrainSteps = new Option<int>("--retrain-steps") { DefaultValueFactory = _ => defaults.RetrainSteps, Description = "Steps of the from-scratch drafter (and of the starting one)" };
        var k = new Option<int>("--draft-tokens") { DefaultValueFactory = _ => defaults.DraftTokens, Description = "Draft length k" };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var alignment = new Command("alignment", "Acceptance length of a frozen, an online-aligned and a retrained EAGLE drafter while the policy is fine-tuned toward a new format.")
        {
            checkpoint, output, stages, policySteps, policyLr, shiftedShare, prompts, alignSteps, alignLr, alignRecords, retrainSteps, k, seed, device, threads,
        };
        alignment.SetAction(parse =>
        {
            var outDir = parse.GetValue(output)!;
            RunDirectory.EnsureFreshCheckpointTarget(outDir);
            var (policy, tokenizer) = PolicySource.Load(parse.GetValue(checkpoint), RuntimeSetup.Apply(parse.GetValue(device)!, parse.GetValue(threads)), 0, 0, RlSpec.Policy.Model.ModelDType.Default);
            var draftTokens = parse.GetValue(k);
            var options = defaults with
            {
                Stages = parse.GetValue(stages),
                PolicyStepsPerStage = parse.GetValue(policySteps),
                PolicyLearningRate = parse.GetValue(policyLr),
                ShiftedShare = parse.GetValue(shiftedShare),
                Prompts = parse.GetValue(prompts),
                DraftTokens = draftTokens,
                RetrainSteps = parse.GetValue(retrainSteps),
                Online = (defaults.OnlineOptions with
                {
                    StepsPerUpdate = parse.GetValue(alignSteps),
                    LearningRate = parse.GetValue(alignLr),
                    BatchRecords = parse.GetValue(alignRecords),
                    Depth = draftTokens,
                }).Validated(),
                Seed = parse.GetValue(seed),
            };
            var log = ConsoleLog.For("alignment");
            var rows = new AlignmentExperiment(policy, tokenizer, options, log).Run();
            AlignmentResults.Write(outDir, rows);
            Console.WriteLine(AlignmentResults.Markdown(rows));
            log.Report($"wrote {outDir}/alignment.csv, alignment.md, alignment.png");
            return 0;
        });
        var from = new Option<string>("--from") { Description = "Directory holding an alignment.csv", Required = true };
        var replot = new Command("alignment-plot", "Re-render alignment.md and alignment.png from an alignment.csv.") { from };
        replot.SetAction(parse =>
        {
            var dir = parse.GetValue(from)!;
            AlignmentResults.Write(dir, AlignmentResults.Read(Path.Combine(dir, "alignment.csv")));
            return 0;
        });
        return new Command("experiment", "Experiments that back the project's claims.") { alignment, replot };
    }
}
