using FluentAssertions;
using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Pipeline;
using Xunit;

namespace RlSpec.Trainer.Tests.Config;

/// <summary>One home per default: a config key and the library record it feeds never disagree, and configs/base.yaml
/// (which documents every key) says what the built-in defaults are.</summary>
public sealed class DefaultsTests
{
    public static TheoryData<string, object, object> Pairs()
    {
        var config = new RunConfig();
        var (alignment, capture, sampling) = (new AlignmentOptions(), new SupervisionOptions([]), new SamplingParams());
        return new TheoryData<string, object, object>
        {
            { "drafter.steps_per_update", config.Drafter.StepsPerUpdate, alignment.StepsPerUpdate },
            { "drafter.learning_rate", config.Drafter.LearningRate, alignment.LearningRate },
            { "drafter.batch_records", config.Drafter.BatchRecords, alignment.BatchRecords },
            { "drafter.max_staleness", (long)config.Drafter.MaxStaleness, alignment.MaxStaleness },
            { "drafter.buffer_rows", config.Drafter.BufferRows, capture.CapacityRows },
            { "drafter.teacher_top_k", config.Drafter.TeacherTopK, capture.TopK },
            { "speculation.draft_tokens", config.Speculation.DraftTokens, new SpeculationOptions().DraftTokens },
            { "speculation.adaptive", config.Speculation.Adaptive, new SpeculationOptions().Adaptive },
            { "speculation.alarm_window", config.Speculation.AlarmWindow, new DrafterHealthOptions().Window },
            { "speculation.alarm_drop", config.Speculation.AlarmDrop, new DrafterHealthOptions().Drop },
            { "speculation.alarm_max_lag", config.Speculation.AlarmMaxLag, new DrafterHealthOptions().MaxLag },
            { "speculation.auto_disable", config.Speculation.AutoDisable, new DrafterHealthOptions().AutoDisable },
            { "speculation.recovery_probe_every", config.Speculation.RecoveryProbeEvery, new DrafterHealthOptions().ProbeEvery },
            { "speculation.plain_every", config.Speculation.PlainEvery, new DrafterHealthOptions().PlainEvery },
            { "rollout.temperature", config.Rollout.Temperature, sampling.Temperature },
            { "rollout.top_k", config.Rollout.TopK, sampling.TopK },
            { "rollout.top_p", config.Rollout.TopP, sampling.TopP },
            { "task.min_digits", config.Task.MinDigits, new ArithmeticTaskConfig().MinDigits },
            { "task.max_digits (arithmetic)", config.Task.EffectiveMaxDigits, new ArithmeticTaskConfig().MaxDigits },
            { "task.max_digits (chain)", (config.Task with { Kind = "chain" }).EffectiveMaxDigits, new ChainTaskConfig().MaxDigits },
            { "task.operations", config.Task.Operations, new ArithmeticTaskConfig().Operations },
            { "task.max_ops", config.Task.MaxOps, new ChainTaskConfig().MaxOperations },
            { "model.warm_start_steps", config.Model.WarmStartSteps, new SftOptions().Steps },
            { "model.preset", config.Model.Preset, new PolicyShape().Preset },
            { "model.dtype", config.Model.Dtype, ModelDType.Default },
            { "model.threads", config.Model.Threads, RlSpec.Policy.Runtime.TorchThreads.Auto },
        };
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_config_default_equals_the_default_of_the_library_record_it_feeds(string key, object config, object library) =>
        config.Should().Be(library, $"{key} has one home");

    [Fact]
    public void Base_yaml_lists_every_key_and_its_values_are_the_built_in_defaults()
    {
        var path = Path.Combine(RepoRoot.Path, "configs", "base.yaml");
        ConfigLoader.ToYaml(ConfigLoader.Load(path, [])).Should().Be(ConfigLoader.ToYaml(new RunConfig()), "base.yaml documents the defaults, it does not change them");
        var text = File.ReadAllText(path);
        foreach (var (section, type) in ConfigSchema.Keys(typeof(RunConfig)))
        {
            text.Should().Contain($"{section}:");
            if (ConfigSchema.IsSection(type))
            {
                var block = text[text.IndexOf($"\n{section}:", StringComparison.Ordinal)..];
                foreach (var key in ConfigSchema.Keys(type).Keys)
                {
                    block.Should().Contain($"\n  {key}:", $"configs/base.yaml documents {section}.{key}");
                }
            }
        }
    }
}
