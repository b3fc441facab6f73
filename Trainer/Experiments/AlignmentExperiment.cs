using System.Diagnostics;
using System.Text.RegularExpressions;
using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Distillation;
using RlSpec.Rollout.Evaluation;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Training;
using TorchSharp;

namespace RlSpec.Trainer.Experiments;

/// <summary>
/// Does online alignment keep an EAGLE drafter useful while the policy changes? The policy keeps being fine-tuned in
/// stages (a stand-in for RL updates: continued SFT, optionally mixed with another output format of the task), and at
/// every stage the same held-out rollouts are drafted by (a) the starting drafter, frozen; (b) the starting drafter
/// aligned after every stage from the states its own rollouts cached (so one policy version behind, as in RL);
/// (c) a drafter trained from scratch on the current policy. Rollouts are lossless whichever drafter runs, so only
/// acceptance length differs; the cost of (b) is timed against the generation it serves.
/// </summary>
public sealed partial class AlignmentExperiment(PolicyModel policy, TextTokenizer tokenizer, AlignmentExperimentOptions options, IProgress<string>? log = null)
{
    private const double RetrainLearningRate = 2e-3;

    private readonly ArithmeticTask _task = new(new ArithmeticTaskConfig());
    private readonly ArithmeticTask _shifted = new(new ArithmeticTaskConfig(ResultFirst: true));

    public IReadOnlyList<AlignmentStageRow> Run()
    {
        var examples = _task.Examples(TaskEvaluator.HeldOutSeed).Take(options.Prompts).ToList();
        var config = EagleConfig.For(policy.Config);
        var capture = new SupervisionOptions(config.FeatureLayers);
        // The online drafter keeps training the starting drafter with the same optimizer (Adam moments included);
        // the frozen one is a copy taken before any alignment.
        using var aligner = TrainFromScratch(config, capture, stage: 0);
        var online = aligner.Head;
        var frozen = new EagleHead(policy.Config, config).to(policy.Device);
        ModuleWeights.Load(frozen, online.state_dict(), "starting drafter");
        frozen.eval();
        using var buffer = new SupervisionBuffer(capture.CapacityRows);
        var recorder = new SupervisionRecorder(capture, buffer);
        using var shifter = new SftTrainer(policy, tokenizer, new SftOptions());
        var rng = new Random(options.Seed);
        var rows = new List<AlignmentStageRow>();
        for (var stage = 0; stage <= options.Stages; stage++)
        {
            if (stage > 0)
            {
                ShiftPolicy(shifter, stage);
            }

            using var retrainer = stage == 0 ? null : TrainFromScratch(config, capture, stage);
            var retrained = retrainer?.Head ?? frozen;
            var a = Rollouts(examples, frozen, null, stage);
            recorder.PolicyVersion = stage;
            var captureBefore = recorder.Seconds;
            var b = Rollouts(examples, online, recorder, stage);
            var captureSeconds = recorder.Seconds - captureBefore;
            var c = Rollouts(examples, retrained, null, stage);
            var report = aligner.Align(buffer, stage, options.OnlineOptions, rng);
            var texts = b.Texts;
            var row = new AlignmentStageRow(stage,
                texts.Count(t => ResultFirstColumn().IsMatch(t)) / (double)texts.Count,
                b.Rollouts.Average(r => r.Reward),
                a.AcceptanceLength, b.AcceptanceLength, c.AcceptanceLength,
                b.Seconds - captureSeconds, captureSeconds, report.Seconds, report.MeanKl);
            rows.Add(row);
            log?.Report($"stage {stage}: sample rollout '{examples[0].Prompt}{texts[0]}'");
            log?.Report($"stage {stage}: shifted format {row.ShiftedFormatShare:P0}, accuracy {row.Accuracy:P1}; acceptance length frozen {row.Frozen:F2}, "
                + $"online {row.Online:F2}, retrained {row.Retrained:F2}; alignment {row.CaptureSeconds + row.AlignSeconds:F2}s = {row.AlignmentCostShare:P1} of generation {row.GenerationSeconds:F2}s");
        }

        return rows;
    }

    /// <summary>One fine-tuning round toward the shifted format (a stand-in for one RL policy update).</summary>
    private void ShiftPolicy(SftTrainer shifter, int stage) =>
        shifter.Continue(new MixedTask(_task, _shifted, options.ShiftedShare), options.PolicyStepsPerStage, (options.Seed * 1000) + stage, options.PolicyLearningRate);

    /// <summary>A fresh head trained on policy samples of the current weights; the trainer holds it and its optimizer.</summary>
    private EagleTrainer TrainFromScratch(EagleConfig config, SupervisionOptions capture, int stage)
    {
        var clock = Stopwatch.StartNew();
        torch.manual_seed(options.Seed + (31 * stage));
        var head = new EagleHead(policy.Config, config).to(policy.Device);
        head.eval();
        var source = new PolicySampleSource(policy, tokenizer, _task, new GenerationOptions(options.MaxNewTokens, new SamplingParams(options.Temperature)),
            options.BatchSize, options.Seed + (7919 * (stage + 1)));
        using var buffer = new SupervisionBuffer(int.MaxValue);
        for (var n = 0; n < options.RetrainSamples; n += options.BatchSize)
        {
            var batch = source.Next();
            SupervisionCapture.FromSequences(policy, batch.Sequences, batch.PromptLengths, tokenizer.Special.Pad, capture, stage).ForEach(buffer.Add);
        }

        var trainer = new EagleTrainer(policy, head, RetrainLearningRate, options.OnlineOptions.GradClip, options.OnlineOptions.CrossEntropyWeight);
        var report = trainer.Align(buffer, stage, new AlignmentOptions(StepsPerUpdate: options.RetrainSteps, LearningRate: RetrainLearningRate, BatchRecords: 16, Depth: options.DraftTokens, MaxStaleness: 0), new Random(options.Seed + stage));
        log?.Report($"stage {stage}: drafter trained from scratch on {buffer.Rows:N0} rows, {report.Steps} steps, final-round KL {report.MeanKl:F3} ({clock.Elapsed.TotalSeconds:F1}s)");
        return trainer;
    }

    /// <summary>The stage's rollouts (one sample per prompt) drafted by <paramref name="head"/>; every drafter sees the same seed.</summary>
    private RolloutBatch Rollouts(List<TaskExample> examples, EagleHead head, SupervisionRecorder? recorder, int stage) =>
        new RolloutGenerator(policy, tokenizer, _task, new EagleDrafter(policy, head), new GenerationOptions(options.MaxNewTokens, new SamplingParams(options.Temperature)),
            new SpeculationOptions(options.DraftTokens, Adaptive: false), groupSize: 1, options.BatchSize)
        { Recorder = recorder }
            .Generate(examples, stage, (ulong)((options.Seed * 100) + stage));

    [GeneratedRegex(@"^\d\d=")]
    private static partial Regex ResultFirstColumn();
}
