using System.Diagnostics;
using FluentAssertions;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Cli;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Pipeline;
using RlSpec.Trainer.Runs;
using RlSpec.Trainer.Training;
using Xunit;

namespace RlSpec.Trainer.Tests.Training;

[Collection("console")]
public sealed class ResumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-resume-").FullName;

    private sealed class Killed : Exception;

    private RunConfig Config(string runDir)
    {
        var policyDir = Path.Combine(_dir, "policy");
        if (!Directory.Exists(policyDir))
        {
            var tokenizer = TextTokenizer.ForCharacters(new ArithmeticTask(new ArithmeticTaskConfig()).Alphabet);
            var policy = WeightInit.NewPolicy(new PolicyConfig(tokenizer.VocabSize, HiddenSize: 32, NumLayers: 2, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 64), 5, 0.3);
            PolicyCheckpoint.Save(policyDir, policy, tokenizer);
        }

        return ConfigLoader.Load(null,
        [
            $"model.checkpoint={policyDir}", "model.device=cpu", "model.threads=1", "task.max_digits=2", "task.eval_prompts=0",
            "rollout.prompts_per_step=3", "rollout.group_size=2", "rollout.max_new_tokens=10", "drafter.pretrain_steps=2", "drafter.steps_per_update=2",
            "trainer.steps=4", "trainer.learning_rate=0.003", "logging.checkpoint_every=2", $"logging.run_dir={runDir}",
        ]);
    }

    [Fact]
    public void A_run_killed_after_step_3_and_resumed_logs_the_same_metrics_as_an_uninterrupted_run()
    {
        var straight = TrainCommand.Fresh(Config(Path.Combine(_dir, "straight")));
        var interruptedDir = Path.Combine(_dir, "interrupted");
        var kill = () => TrainCommand.Fresh(Config(interruptedDir), step =>
        {
            if (step == 3)
            {
                throw new Killed();
            }
        });
        kill.Should().Throw<Killed>();
        RunCheckpoint.Latest(interruptedDir).Should().EndWith("step-000002");
        MetricsLog.Read(Path.Combine(interruptedDir, MetricsLog.FileName)).Should().HaveCount(3, "step 3 finished before the kill but was never checkpointed");

        TrainCommand.Resume(interruptedDir);

        var expected = MetricsLog.Read(Path.Combine(straight.RunDirectory, MetricsLog.FileName));
        var resumed = MetricsLog.Read(Path.Combine(interruptedDir, MetricsLog.FileName));
        resumed.Select(r => r.Step).Should().Equal(1, 2, 3, 4);
        resumed.Select(Learning).Should().Equal(expected.Select(Learning));
        expected.Select(r => r.RewardMean).Should().NotBeEmpty();
        RolloutLog.Read(Path.Combine(interruptedDir, RolloutLog.FileName)).Records.Select(r => (r.Step, r.ResponseText))
            .Should().Equal(RolloutLog.Read(Path.Combine(straight.RunDirectory, RolloutLog.FileName)).Records.Select(r => (r.Step, r.ResponseText)));
    }

    [Fact]
    public void A_training_process_killed_with_sigkill_mid_run_resumes_to_the_metrics_of_an_uninterrupted_run()
    {
        var killedDir = Path.Combine(_dir, "sigkill");
        var config = Config(killedDir) with { Trainer = Config(killedDir).Trainer with { Steps = 12 } };
        var yaml = Path.Combine(_dir, "sigkill.yaml");
        File.WriteAllText(yaml, ConfigLoader.ToYaml(config));
        var metrics = Path.Combine(killedDir, MetricsLog.FileName);
        using var process = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "rlspec.dll"), "train", yaml])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((!File.Exists(metrics) || File.ReadAllLines(metrics).Length < 4) && !process.HasExited && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        process.HasExited.Should().BeFalse("the run must still be going when it is killed");
        process.Kill(); // SIGKILL on Linux: no handler, no flush
        process.WaitForExit();
        MetricsLog.Read(metrics).Count.Should().BeInRange(3, 11);

        TrainCommand.Resume(killedDir);

        var straight = TrainCommand.Fresh(Config(Path.Combine(_dir, "sigkill-straight")) with { Trainer = config.Trainer });
        MetricsLog.Read(metrics).Select(Learning).Should().Equal(MetricsLog.Read(Path.Combine(straight.RunDirectory, MetricsLog.FileName)).Select(Learning));
        RolloutLog.Read(Path.Combine(killedDir, RolloutLog.FileName)).Problem.Should().BeNull("the torn tail, if any, was cut on resume");
    }

    [Fact]
    public void An_async_run_killed_and_resumed_matches_the_uninterrupted_one_because_the_checkpoint_keeps_the_older_weights()
    {
        RunConfig Async(string name)
        {
            var c = Config(Path.Combine(_dir, name));
            return c with { Pipeline = c.Pipeline with { Mode = "async", MaxStaleness = 1 } };
        }

        var straight = TrainCommand.Fresh(Async("async-straight"));
        var interruptedDir = Path.Combine(_dir, "async-interrupted");
        var kill = () => TrainCommand.Fresh(Async("async-interrupted"), step =>
        {
            if (step == 3)
            {
                throw new Killed();
            }
        });
        kill.Should().Throw<Killed>();
        Directory.GetDirectories(RunCheckpoint.Latest(interruptedDir)!, "weights-v*").Select(Path.GetFileName).Should().Equal(new[] { "weights-v1" },
            "step 3 generates with version 1, older than the checkpoint's version 2");

        TrainCommand.Resume(interruptedDir);

        MetricsLog.Read(Path.Combine(interruptedDir, MetricsLog.FileName)).Select(Learning)
            .Should().Equal(MetricsLog.Read(Path.Combine(straight.RunDirectory, MetricsLog.FileName)).Select(Learning));
    }

    [Fact]
    public void A_run_with_a_pool_of_two_rollout_workers_trains_on_every_prompt_of_every_step()
    {
        var config = Config(Path.Combine(_dir, "pool"));
        config = config with { Pipeline = config.Pipeline with { RolloutWorkers = 2 }, Trainer = config.Trainer with { Steps = 2 } };

        var summary = TrainCommand.Fresh(config);

        var (records, problem) = RolloutLog.Read(Path.Combine(summary.RunDirectory, RolloutLog.FileName));
        problem.Should().BeNull();
        records.GroupBy(r => r.Step).Should().HaveCount(2).And.OnlyContain(g => g.Count() == 3 * 2, "3 prompts × 2 samples per step, none lost or doubled");
        records.Should().OnlyContain(r => r.Drafter == "eagle" && r.ResponseTokens.Length > 0);
        records.Should().OnlyContain(r => r.PolicyVersion == r.Step - 1, "sync mode: every rollout comes from the weights its step trains");
    }

    [Fact]
    public void An_async_run_trains_on_rollouts_one_version_old_reproducibly_and_its_messages_survive_the_wire_format()
    {
        RunConfig Async(string name, bool serialize)
        {
            var c = Config(Path.Combine(_dir, name));
            return c with { Pipeline = c.Pipeline with { Mode = "async", MaxStaleness = 1, SerializeMessages = serialize }, Trainer = c.Trainer with { Steps = 3 } };
        }

        var local = TrainCommand.Fresh(Async("async-local", serialize: false));
        var wire = TrainCommand.Fresh(Async("async-wire", serialize: true));

        var rows = MetricsLog.Read(Path.Combine(local.RunDirectory, MetricsLog.FileName));
        rows.Select(r => r.Staleness).Should().Equal(0, 1, 1);
        RolloutLog.Read(Path.Combine(local.RunDirectory, RolloutLog.FileName)).Records.Select(r => (r.Step, r.PolicyVersion)).Distinct()
            .Should().Equal((1, 0L), (2, 0L), (3, 1L));
        MetricsLog.Read(Path.Combine(wire.RunDirectory, MetricsLog.FileName)).Select(Learning).Should().Equal(rows.Select(Learning),
            "versions are fixed by the schedule, not by timing, and serialized messages carry the same data");
        rows[1].BehaviourKl.Should().NotBe(0, "step 2 trains version 1 on samples from version 0");
    }

    [Fact]
    public void A_sweep_runs_every_grid_point_and_tabulates_them_and_a_bad_grid_key_fails_before_any_run()
    {
        var baseConfig = Config(Path.Combine(_dir, "unused"));
        var yaml = Path.Combine(_dir, "sweep.yaml");
        File.WriteAllText(yaml, ConfigLoader.ToYaml(baseConfig with { Trainer = baseConfig.Trainer with { Steps = 1 }, Logging = baseConfig.Logging with { RunDir = null } }));
        var outDir = Path.Combine(_dir, "sweep");

        CliApp.Run(["sweep", yaml, "--grid", "seed=1,2", "--grid", "speculation.enabled=true,false", "--out", outDir]).Should().Be(0);

        var lines = File.ReadAllLines(Path.Combine(outDir, "sweep.csv"));
        lines[0].Should().StartWith("seed,speculation.enabled,run_dir,");
        lines.Should().HaveCount(5);
        File.ReadAllText(Path.Combine(outDir, "sweep.md")).Should().Contain("| 2 | false |");
        var badOut = Path.Combine(_dir, "bad-sweep");
        CliApp.Run(["sweep", yaml, "--grid", "rollout.group_sise=2,4", "--out", badOut]).Should().Be(2);
        Directory.Exists(badOut).Should().BeFalse();
    }

    [Fact]
    public void A_new_run_refuses_an_existing_run_directory_and_leaves_it_untouched()
    {
        var runDir = Path.Combine(_dir, "existing");
        Directory.CreateDirectory(runDir);
        File.WriteAllText(Path.Combine(runDir, "metrics.csv"), "keep me");

        var act = () => TrainCommand.Fresh(Config(runDir));

        act.Should().Throw<ArgumentException>().WithMessage("*already has files*");
        File.ReadAllText(Path.Combine(runDir, "metrics.csv")).Should().Be("keep me");
    }

    /// <summary>The built-in task whose example stream breaks after <paramref name="good"/> prompts, like a dataset reader hitting a bad row.</summary>
    private sealed class BreakingTask(IVerifiableTask inner, int good) : IVerifiableTask
    {
        public string Name => inner.Name;

        public string Alphabet => inner.Alphabet;

        public IEnumerable<TaskExample> Examples(int seed) =>
            inner.Examples(seed).Take(good).Concat(Enumerable.Range(0, 1).Select<int, TaskExample>(_ => throw new InvalidDataException("data.jsonl:7: bad row")));

        public RewardResult Score(TaskExample example, string completion) => inner.Score(example, completion);
    }

    [Fact]
    public void A_stage_that_fails_ends_the_run_with_its_error_and_keeps_the_steps_already_recorded()
    {
        var runDir = Path.Combine(_dir, "failing");
        Directory.CreateDirectory(runDir);
        var config = Config(runDir);
        using var setup = TrainingSetup.Create(config, runDir, null, TorchSharp.torch.CPU, null);
        var parts = setup.Parts(null) with { Cursor = new PromptCursor(new BreakingTask(setup.Task, good: 7), config.Seed, 0) };

        var act = () => TrainingPipeline.Run(parts, setup.State);

        act.Should().Throw<InvalidDataException>().WithMessage("data.jsonl:7: bad row");
        // Prompts are loaded a step ahead, so step 3's failure can stop the run before step 1 or 2 is recorded; what was
        // recorded stays whole.
        var rows = MetricsLog.Read(Path.Combine(runDir, MetricsLog.FileName));
        rows.Select(r => r.Step).Should().Equal(Enumerable.Range(1, rows.Count)).And.HaveCountLessThan(3);
    }

    private static (double, double, double, double, double) Learning(StepMetrics r) => (r.RewardMean, r.Loss, r.ResponseLength, r.AcceptanceLength, r.Entropy);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
