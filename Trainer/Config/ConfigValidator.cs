using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;

namespace RlSpec.Trainer.Config;

/// <summary>Value checks of a typed <see cref="RunConfig"/>: each failure names the key and the allowed values.</summary>
public static class ConfigValidator
{
    public static readonly string[] Drafters = ["eagle", "chunk", "mtp", "draft-model", "ngram", "random"];

    public static RunConfig Validated(RunConfig c)
    {
        Range("model.warm_start_steps", c.Model.WarmStartSteps, 1, 1_000_000);
        Require(c.Model.Threads is >= RlSpec.Policy.Runtime.TorchThreads.AllCores and <= 1024, "model.threads",
            $"must be a count in 1..1024, {RlSpec.Policy.Runtime.TorchThreads.SpecialValues}; got {c.Model.Threads}");
        OneOf("model.preset", c.Model.Preset, PolicyShape.Presets);
        Range("model.layers", c.Model.Layers, 0, 256);
        Range("model.hidden", c.Model.Hidden, 0, 65_536);
        Range("model.heads", c.Model.Heads, 0, 1024);
        Range("model.kv_heads", c.Model.KvHeads, 0, 1024);
        Range("model.intermediate", c.Model.Intermediate, 0, 1_000_000);
        OneOf("model.dtype", c.Model.Dtype, [.. ModelDType.TrainingNames]);
        OneOf("task.kind", c.Task.Kind, "arithmetic", "chain", "jsonl");
        Range("task.max_ops", c.Task.MaxOps, 1, 16);
        Range("task.min_digits", c.Task.MinDigits, 1, 9);
        Range("task.max_digits", c.Task.EffectiveMaxDigits, c.Task.MinDigits, 9);
        OneOf("task.reward", c.Task.Reward, "exact", "numeric", "regex");
        Require(c.Task.Kind != "jsonl" || c.Task.Dataset is not null, "task.dataset", "is required when task.kind is jsonl");
        Range("task.eval_prompts", c.Task.EvalPrompts, 0, 100_000);
        if (c.Task.PromptTemplate is { } template)
        {
            Require(c.Task.Kind == "jsonl", "task.prompt_template", "applies to task.kind jsonl (the built-in warm start trains on bare prompts)");
            Resolvable(template);
        }

        Range("rollout.prompts_per_step", c.Rollout.PromptsPerStep, 1, 100_000);
        Range("rollout.group_size", c.Rollout.GroupSize, 2, 1024);
        Range("rollout.max_new_tokens", c.Rollout.MaxNewTokens, 1, 100_000);
        // The trained policy is logits / temperature, the distribution tokens are drawn from, so the PPO ratio is exactly
        // π_θ / π_behaviour. Greedy rollouts make a group's samples identical (every advantage 0), and top-k/top-p would
        // need log-probs under a truncation set that moves with the weights, so training refuses both.
        Require(c.Rollout.Temperature is > 0 and <= 10, "rollout.temperature",
            $"must be in (0, 10] for training, got {c.Rollout.Temperature} (0 = greedy makes a group's samples identical, so every advantage is 0; use `rlspec eval` for greedy accuracy)");
        Require(c.Rollout.TopK == 0, "rollout.top_k",
            $"must be 0 for training, got {c.Rollout.TopK} (RL trains the policy's full distribution at the sampling temperature; top-k would make π_behaviour a truncated distribution the learner does not train)");
        Require(c.Rollout.TopP == 1.0, "rollout.top_p",
            $"must be 1.0 for training, got {c.Rollout.TopP} (RL trains the policy's full distribution at the sampling temperature; top-p would make π_behaviour a truncated distribution the learner does not train)");
        OneOf("trainer.recompute_logprobs", c.Trainer.RecomputeLogprobs, "auto", "always");
        Range("rollout.batch_size", c.Rollout.BatchSize, 1, 100_000);
        OneOf("speculation.drafter", c.Speculation.Drafter, Drafters);
        Range("speculation.draft_tokens", c.Speculation.DraftTokens, 1, 16);
        Range("speculation.resume_window", c.Speculation.ResumeWindow, 1, 100_000);
        Range("speculation.alarm_window", c.Speculation.AlarmWindow, Pipeline.DrafterHealthOptions.MinHistory, 100_000);
        Require(c.Speculation.AlarmDrop is > 0 and < 1, "speculation.alarm_drop", $"must be in (0, 1), got {c.Speculation.AlarmDrop}");
        Range("speculation.alarm_max_lag", c.Speculation.AlarmMaxLag, 0, 1_000_000);
        Range("speculation.recovery_probe_every", c.Speculation.RecoveryProbeEvery, 1, 100_000);
        Range("speculation.plain_every", c.Speculation.PlainEvery, 0, 100_000);
        Range("drafter.steps_per_update", c.Drafter.StepsPerUpdate, 0, 100_000);
        Require(c.Drafter.LearningRate is > 0 and < 1, "drafter.learning_rate", $"must be in (0, 1), got {c.Drafter.LearningRate}");
        Range("drafter.batch_records", c.Drafter.BatchRecords, 1, 100_000);
        OneOf("drafter.supervision", c.Drafter.Supervision, "rollouts", "recompute");
        Range("drafter.buffer_rows", c.Drafter.BufferRows, 1, int.MaxValue);
        Range("drafter.teacher_top_k", c.Drafter.TeacherTopK, 0, 1_000_000);
        Range("drafter.pretrain_steps", c.Drafter.PretrainSteps, 0, 1_000_000);
        Range("drafter.max_staleness", c.Drafter.MaxStaleness, 0, 1000);
        Range("trainer.steps", c.Trainer.Steps, 1, 10_000_000);
        Require(c.Trainer.LearningRate is > 0 and < 1, "trainer.learning_rate", $"must be in (0, 1), got {c.Trainer.LearningRate}");
        Range("trainer.warmup_steps", c.Trainer.WarmupSteps, 0, c.Trainer.Steps);
        Range("trainer.min_lr_ratio", c.Trainer.MinLrRatio, 0, 1);
        Range("trainer.clip_low", c.Trainer.ClipLow, 0, 1);
        Range("trainer.clip_high", c.Trainer.ClipHigh, 0, 10);
        Range("trainer.kl_beta", c.Trainer.KlBeta, 0, 100);
        Range("trainer.micro_batch", c.Trainer.MicroBatch, 1, 100_000);
        Require(c.Trainer.GradClip > 0, "trainer.grad_clip", $"must be positive, got {c.Trainer.GradClip}");
        Range("trainer.weight_decay", c.Trainer.WeightDecay, 0, 1);
        OneOf("pipeline.mode", c.Pipeline.Mode, "sync", "async");
        Range("pipeline.max_staleness", c.Pipeline.MaxStaleness, 1, 16);
        Range("pipeline.rollout_workers", c.Pipeline.RolloutWorkers, 1, 64);
        Range("logging.checkpoint_every", c.Logging.CheckpointEvery, 1, 10_000_000);
        Require(c.Logging.KeepCheckpoints >= 0, "logging.keep_checkpoints", $"must be 0 (keep all) or a positive count of newest checkpoints to keep, got {c.Logging.KeepCheckpoints}");
        Require(!string.IsNullOrWhiteSpace(c.Cluster.Hostname), "cluster.hostname", "must be a host name or IP address");
        Range("cluster.port", c.Cluster.Port, 1, 65_535);
        c.Cluster.SeedNodes.ForEach(s => Require(HostPort.TryParse(s, out _), "cluster.seed_nodes", $"must list HOST:PORT entries, got '{s}'"));
        Range("cluster.min_rollout_nodes", c.Cluster.MinRolloutNodes, 1, 10_000);
        Range("cluster.join_timeout_s", c.Cluster.JoinTimeoutS, 1, 86_400);
        return c;
    }

    private static void Resolvable(string template)
    {
        try
        {
            PromptTemplate.Resolve(template, "task.prompt_template");
        }
        catch (ArgumentException e)
        {
            throw new ConfigException($"config: {e.Message}");
        }
    }

    private static void Range(string key, int value, int min, int max) =>
        Require(value >= min && value <= max, key, $"must be in {min}..{max}, got {value}");

    private static void Range(string key, double value, double min, double max) =>
        Require(value >= min && value <= max, key, $"must be in [{min}, {max}], got {value}");

    private static void OneOf(string key, string value, params string[] allowed) =>
        Require(allowed.Contains(value), key, $"must be one of {string.Join(", ", allowed)}; got '{value}'");

    private static void Require(bool ok, string key, string what)
    {
        if (!ok)
        {
            throw new ConfigException($"config: '{key}' {what}.");
        }
    }
}
