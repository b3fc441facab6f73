using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Grpo;
using RlSpec.Trainer.Rewards;
using RlSpec.Trainer.Runs;
using RlSpec.Trainer.Training;

namespace RlSpec.Trainer.Pipeline;

/// <summary>
/// Writes a finished step into the run directory: its <c>metrics.csv</c> row, its rollout records, and every
/// <c>logging.checkpoint_every</c> steps a checkpoint of the weights, both optimizers, the data cursor and the older
/// weights versions an asynchronous run still generates with. Called only while no stage is changing the weights.
/// Each row also says how the drafter stood (<see cref="DrafterHealth"/>) and each rollout record which drafter weights
/// drafted it.
/// </summary>
/// <param name="drafterStamp">The drafter weights a weights version carried (null: a drafter without weights, or none).</param>
/// <param name="health">Judges the drafter step by step (null without speculation).</param>
/// <param name="drafterVersion">Policy version the drafter is aligned to now, saved with the head in checkpoints.</param>
public sealed class StepRecorder(RunConfig config, string runDirectory, PolicyModel policy, TextTokenizer tokenizer, GrpoLearner learner,
    EagleTrainer? aligner, WeightStore weights, string drafterName, IProgress<string>? log, Func<long, DrafterStamp?>? drafterStamp = null,
    DrafterHealth? health = null, Func<long>? drafterVersion = null)
{
    private readonly RewardSpread _spread = new(config.Task);

    /// <param name="pendingFrom">Oldest weights version later steps generate with; held versions from it on go into a checkpoint.</param>
    public StepMetrics Record(int step, long trainedVersion, RolloutBatch batch, RecomputedLogProbs logProbs, UpdateMetrics update, double drafterKl,
        StageSeconds seconds, TrainerState state, long pendingFrom, StepTransport transport)
    {
        var generatedBy = batch.Rollouts.Min(r => r.PolicyVersion);
        var stamp = drafterStamp?.Invoke(generatedBy);
        var lag = stamp is null ? (long?)null : generatedBy - stamp.Version;
        var verdict = health?.Observe(step, batch.AcceptanceLength, lag);
        if (verdict?.Notice is { } notice)
        {
            log?.Report(notice);
        }

        var row = Metrics(step + 1, trainedVersion, batch, logProbs, update, drafterKl, seconds) with
        {
            RolloutNodes = transport.RolloutNodes,
            WeightSyncSeconds = transport.WeightSyncSeconds,
            WeightSyncMb = transport.WeightSyncBytes / 1e6,
            DrafterAlarm = verdict?.Alarm == true ? 1 : 0,
            DrafterVersionLag = lag,
        };
        MetricsLog.Append(Path.Combine(runDirectory, MetricsLog.FileName), row);
        if (config.Logging.RolloutLog)
        {
            RolloutLog.Append(Path.Combine(runDirectory, RolloutLog.FileName), Records(row.Step, batch, stamp));
        }

        if (_spread.Check(row.Step, batch.Rollouts.Select(r => r.Reward).ToList()) is { } warning)
        {
            log?.Report(warning);
        }

        if (state.Step % config.Logging.CheckpointEvery == 0 || state.Step == config.Trainer.Steps)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            log?.Report($"writing the checkpoint of step {state.Step}");
            RunCheckpoint.Save(runDirectory, state, policy, tokenizer, aligner?.Head, drafterVersion?.Invoke(), dir =>
            {
                learner.SaveOptimizer(Path.Combine(dir, RunCheckpoint.PolicyOptimizerFile));
                aligner?.SaveOptimizer(Path.Combine(dir, RunCheckpoint.DrafterOptimizerFile));
                weights.Save(pendingFrom, dir);
            });
            var pruned = RunCheckpoint.Prune(runDirectory, config.Logging.KeepCheckpoints);
            log?.Report($"checkpoint at step {state.Step} written in {clock.Elapsed.TotalSeconds:F1} s" + (pruned.Count > 0 ? $" (deleted {string.Join(", ", pruned.Select(Path.GetFileName))}; logging.keep_checkpoints {config.Logging.KeepCheckpoints})" : ""));
        }

        return row;
    }

    private static StepMetrics Metrics(int step, long version, RolloutBatch batch, RecomputedLogProbs logProbs, UpdateMetrics update, double drafterKl, StageSeconds s)
    {
        var rewards = batch.Rollouts.Select(r => r.Reward).ToList();
        var mean = rewards.Average();
        return new StepMetrics
        {
            Step = step,
            PolicyVersion = version,
            Staleness = version - batch.Rollouts.Min(r => r.PolicyVersion),
            RewardMean = mean,
            RewardStd = Math.Sqrt(rewards.Average(r => (r - mean) * (r - mean))),
            Accuracy = batch.Reasons.Average(r => r is null ? 1.0 : 0.0),
            ResponseLength = batch.Rollouts.Average(r => r.Completion.Count),
            Loss = update.Loss,
            Kl = update.Kl,
            ApproxKl = update.ApproxKl,
            BehaviourKl = logProbs.BehaviourKl,
            Entropy = logProbs.Entropy,
            RecomputeMaxDiff = logProbs.MaxDiff,
            ClipFraction = update.ClipFraction,
            GradNorm = update.GradNorm,
            LearningRate = update.LearningRate,
            AcceptanceLength = batch.AcceptanceLength,
            DrafterKl = drafterKl,
            TokensPerSecond = batch.Emitted / Math.Max(batch.Seconds, 1e-9),
            DataSeconds = s.Data,
            PrepareSeconds = s.Prepare,
            GenerationSeconds = s.Generation,
            LogprobSeconds = s.Logprob,
            TrainSeconds = s.Train,
            AlignSeconds = s.Align,
            StepSeconds = s.Step,
        };
    }

    private IEnumerable<RolloutRecord> Records(int step, RolloutBatch batch, DrafterStamp? stamp) => batch.Rollouts.Select((r, i) =>
    {
        var (drafts, accepts) = (batch.VerifySteps[i].Select(v => v.Proposed).ToArray(), batch.VerifySteps[i].Select(v => v.Accepted).ToArray());
        var (position, accepted) = DraftFlags.Derive(drafts, accepts, r.Completion.Count);
        return new RolloutRecord
        {
            SchemaVersion = RolloutRecord.CurrentSchemaVersion,
            Step = step,
            PolicyVersion = r.PolicyVersion,
            PromptId = r.PromptId,
            PromptTokens = [.. r.Prompt],
            ResponseTokens = [.. r.Completion],
            PromptText = batch.Examples[i].Prompt,
            ResponseText = batch.Texts[i],
            LogProbs = [.. r.BehaviourLogProbs],
            LogProbsProcessed = batch.ProcessedLogProbs is { } processed ? [.. processed[i]] : [],
            Reward = r.Reward,
            RewardReason = batch.Reasons[i],
            DraftCounts = drafts,
            AcceptCounts = accepts,
            DraftPosition = position,
            Accepted = accepted,
            Drafter = drafterName,
            DrafterVersion = stamp?.Version,
            DrafterHash = stamp?.Hash,
            GenerationSeconds = batch.Seconds,
        };
    });
}
