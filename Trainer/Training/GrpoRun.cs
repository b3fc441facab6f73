using System.Diagnostics;
using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Drafting;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Grpo;
using RlSpec.Trainer.Runs;

namespace RlSpec.Trainer.Training;

/// <summary>
/// The synchronous GRPO loop, one step at a time: data → prepare (publish the new weights version) → generation
/// → log-prob recompute (which also caches the drafter's supervision) → policy update → drafter alignment. Every
/// source of randomness is derived from (seed, step), and checkpoints carry weights, both optimizers and the data
/// cursor, so a run resumed from a checkpoint replays the same steps an uninterrupted run takes.
/// </summary>
public sealed class GrpoRun(RunConfig config, PolicyModel policy, TextTokenizer tokenizer, IVerifiableTask task, IDrafter? drafter,
    EagleTrainer? aligner, string runDirectory, IProgress<string>? log = null)
{
    /// <summary>A fresh drafter for each rollout worker of the actor pool (<c>pipeline.rollout_workers</c> &gt; 0).</summary>
    public Func<IDrafter?>? WorkerDrafter { get; init; }

    /// <summary>Called after each finished step (tests use it to stop a run the way a kill would).</summary>
    public Action<int>? AfterStep { get; init; }

    public IReadOnlyList<StepMetrics> Run(TrainerState start, GrpoLearner learner)
    {
        var rollout = config.Rollout;
        var generation = new GenerationOptions(rollout.MaxNewTokens, new SamplingParams(rollout.Temperature, rollout.TopK, rollout.TopP));
        var speculation = new SpeculationOptions(config.Speculation.DraftTokens, config.Speculation.Adaptive);
        var generator = new RolloutGenerator(policy, tokenizer, task, drafter, generation, speculation, rollout.GroupSize, rollout.BatchSize);
        using var pool = config.Pipeline.RolloutWorkers == 0 ? null : new RolloutPool(config.Pipeline.RolloutWorkers,
            () => new RolloutGenerator(policy, tokenizer, task, (WorkerDrafter ?? (() => drafter))(), generation, speculation, rollout.GroupSize, rollout.BatchSize),
            TimeSpan.FromMinutes(30));
        var capture = aligner is null ? null : new SupervisionOptions(aligner.Head.Config.FeatureLayers, config.Drafter.TeacherTopK, config.Drafter.BufferRows);
        using var buffer = new SupervisionBuffer(config.Drafter.BufferRows);
        using var examples = task.Examples(config.Seed).Skip((int)start.PromptsConsumed).GetEnumerator();
        var state = start;
        var rows = new List<StepMetrics>();
        for (var step = start.Step; step < config.Trainer.Steps; step++)
        {
            var clock = Stopwatch.StartNew();
            var prompts = Enumerable.Range(0, rollout.PromptsPerStep).Select(_ => examples.MoveNext() ? examples.Current : throw new InvalidOperationException("task stream ended")).ToList();
            var dataSeconds = clock.Elapsed.TotalSeconds;

            // In one process the rollout generator shares the learner's weights, so publishing a version is a counter;
            // the stage is timed anyway so the breakdown matches multi-worker runs.
            var prepare = Stopwatch.StartNew();
            var version = state.PolicyVersion;
            var prepareSeconds = prepare.Elapsed.TotalSeconds;

            var batch = pool?.Generate(step, version, prompts, StepSeed(step)) ?? generator.Generate(prompts, version, StepSeed(step));

            var recomputeClock = Stopwatch.StartNew();
            var recomputed = LogProbRecompute.Run(policy, batch.Rollouts, config.Trainer.MicroBatch, tokenizer.Special.Pad, capture, version);
            var recomputeSeconds = recomputeClock.Elapsed.TotalSeconds;

            var trainClock = Stopwatch.StartNew();
            var rewards = batch.Rollouts.Select(r => r.Reward).ToList();
            var advantages = GroupAdvantages.Compute(rewards, rollout.GroupSize, config.Trainer.ScaleRewardsByStd);
            var update = learner.Update(step, batch.Rollouts, advantages, recomputed.LogProbs);
            var trainSeconds = trainClock.Elapsed.TotalSeconds;

            var alignClock = Stopwatch.StartNew();
            var drafterKl = Align(buffer, recomputed.Supervision, version, step);
            var alignSeconds = alignClock.Elapsed.TotalSeconds;

            state = new TrainerState(step + 1, version + 1, state.PromptsConsumed + prompts.Count);
            var row = Metrics(step + 1, version, batch, rewards, recomputed.Entropy, update, drafterKl,
                dataSeconds, prepareSeconds, recomputeSeconds, trainSeconds, alignSeconds, clock.Elapsed.TotalSeconds);
            rows.Add(row);
            Persist(state, batch, row, learner);
            log?.Report($"step {row.Step}/{config.Trainer.Steps}  reward {row.RewardMean:F3}±{row.RewardStd:F3}  acc {row.Accuracy:P1}  len {row.ResponseLength:F1}  "
                + $"kl {row.ApproxKl:E1}  clip {row.ClipFraction:P1}  acc.len {row.AcceptanceLength:F2}  {row.TokensPerSecond:F0} tok/s  "
                + $"gen {row.GenerationShare:P0} of {row.StepSeconds:F1}s");
            AfterStep?.Invoke(row.Step);
        }

        return rows;
    }

    /// <summary>Per-step sampling seed: a function of (seed, step) only, so resumed steps sample what they would have.</summary>
    private ulong StepSeed(int step) => (ulong)(((long)config.Seed * 1_000_003) + step);

    private double Align(SupervisionBuffer buffer, List<SupervisionRecord> records, long version, int step)
    {
        if (aligner is null || !config.Drafter.Align)
        {
            records.ForEach(r => r.Dispose());
            return double.NaN;
        }

        records.ForEach(buffer.Add);
        var options = new AlignmentOptions(config.Drafter.StepsPerUpdate, config.Drafter.LearningRate, config.Drafter.BatchRecords,
            config.Speculation.DraftTokens, MaxStaleness: config.Drafter.MaxStaleness);
        return aligner.Align(buffer, version, options, new System.Random(config.Seed + (7919 * (step + 1)))).MeanKl;
    }

    private StepMetrics Metrics(int step, long version, RolloutBatch batch, List<double> rewards, double entropy, UpdateMetrics update, double drafterKl,
        double data, double prepare, double logprob, double train, double align, double total)
    {
        var mean = rewards.Average();
        return new StepMetrics
        {
            Step = step,
            PolicyVersion = version,
            RewardMean = mean,
            RewardStd = Math.Sqrt(rewards.Average(r => (r - mean) * (r - mean))),
            Accuracy = batch.Rollouts.Select((r, i) => batch.Reasons[i] is null ? 1.0 : 0.0).Average(),
            ResponseLength = batch.Rollouts.Average(r => r.Completion.Count),
            Loss = update.Loss,
            Kl = update.Kl,
            ApproxKl = update.ApproxKl,
            Entropy = entropy,
            ClipFraction = update.ClipFraction,
            GradNorm = update.GradNorm,
            LearningRate = update.LearningRate,
            AcceptanceLength = batch.AcceptanceLength,
            DrafterKl = drafterKl,
            TokensPerSecond = batch.Emitted / Math.Max(batch.Seconds, 1e-9),
            DataSeconds = data,
            PrepareSeconds = prepare,
            GenerationSeconds = batch.Seconds,
            LogprobSeconds = logprob,
            TrainSeconds = train,
            AlignSeconds = align,
            StepSeconds = total,
        };
    }

    private void Persist(TrainerState state, RolloutBatch batch, StepMetrics row, GrpoLearner learner)
    {
        MetricsLog.Append(Path.Combine(runDirectory, MetricsLog.FileName), row);
        if (config.Logging.RolloutLog)
        {
            RolloutLog.Append(Path.Combine(runDirectory, RolloutLog.FileName), batch.Rollouts.Select((r, i) => new RolloutRecord
            {
                Step = row.Step,
                PolicyVersion = r.PolicyVersion,
                PromptId = r.PromptId,
                PromptTokens = [.. r.Prompt],
                ResponseTokens = [.. r.Completion],
                PromptText = batch.Examples[i].Prompt,
                ResponseText = batch.Texts[i],
                LogProbs = [.. r.BehaviourLogProbs],
                Reward = r.Reward,
                RewardReason = batch.Reasons[i],
                DraftCounts = batch.VerifySteps[i].Select(s => s.Proposed).ToArray(),
                AcceptCounts = batch.VerifySteps[i].Select(s => s.Accepted).ToArray(),
                Drafter = drafter?.Name ?? "none",
                GenerationSeconds = batch.Seconds,
            }));
        }

        if (state.Step % config.Logging.CheckpointEvery == 0 || state.Step == config.Trainer.Steps)
        {
            RunCheckpoint.Save(runDirectory, state, policy, tokenizer, aligner?.Head, dir =>
            {
                learner.SaveOptimizer(Path.Combine(dir, RunCheckpoint.PolicyOptimizerFile));
                aligner?.SaveOptimizer(Path.Combine(dir, RunCheckpoint.DrafterOptimizerFile));
            });
            log?.Report($"checkpoint at step {state.Step}");
        }
    }
}
