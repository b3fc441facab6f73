using FluentAssertions;
using RlSpec.Trainer.Runs;
using Xunit;
using Xunit.Abstractions;
using static RlSpec.Trainer.Tests.Cluster.ClusterRunFixture;

namespace RlSpec.Trainer.Tests.Cluster;

/// <summary>
/// A trainer process and <c>rlspec worker</c> processes on loopback, each test on a free port: the cluster must sample and
/// learn exactly what one process does, whatever nodes die, join late or the trainer is restarted.
/// </summary>
[Collection("console")]
public sealed class ClusterRunTests(ClusterRunFixture fixture, ITestOutputHelper output) : IClassFixture<ClusterRunFixture>, IDisposable
{
    private static readonly TimeSpan Minutes = TimeSpan.FromMinutes(3);
    private readonly List<NodeProcess> _processes = [];

    private NodeProcess Start(string name, params string[] args)
    {
        var process = NodeProcess.Start(name, args);
        _processes.Add(process);
        return process;
    }

    private NodeProcess Trainer(string yaml, int port)
    {
        var trainer = Start("trainer", "train", yaml);
        trainer.WaitForLine($"trainer node up at akka.tcp://rlspec@127.0.0.1:{port}", Minutes);
        return trainer;
    }

    private NodeProcess Worker(string name, int port, params string[] extra) => Start(name, ["worker", "--join", $"127.0.0.1:{port}", "--threads", "1", .. extra]);

    private static (double, double, double, double, double, double) Learning(StepMetrics r) =>
        (r.RewardMean, r.Loss, r.ResponseLength, r.AcceptanceLength, r.Entropy, r.GradNorm);

    private static IEnumerable<(int, string, string)> Texts(string runDir) => Rollouts(runDir).Select(r => (r.Step, r.PromptId, r.ResponseText));

    private void ShouldMatchTheSingleProcessRun(string runDir, string? reference = null)
    {
        reference ??= fixture.Reference;
        var expected = Metrics(reference);
        expected.Select(r => r.Loss).Should().Contain(l => l != 0, "the reference run must learn something, or equal metrics prove little");
        Metrics(runDir).Select(Learning).Should().Equal(expected.Select(Learning));
        Texts(runDir).Should().Equal(Texts(reference));
    }

    [Fact]
    public void A_trainer_and_two_worker_processes_sample_and_learn_exactly_what_one_process_does()
    {
        var port = FreePort();
        var runDir = Path.Combine(fixture.Directory, "two-workers");
        var trainer = Trainer(fixture.Write("two-workers", fixture.Config(runDir, port)), port);
        var workers = new[] { Worker("worker-a", port), Worker("worker-b", port) };

        trainer.WaitForExit(Minutes).Should().Be(0, trainer.Output);
        workers.Select(w => w.WaitForExit(TimeSpan.FromSeconds(60))).Should().Equal([0, 0], "workers exit once the run they serve completes");

        ShouldMatchTheSingleProcessRun(runDir);
        var rows = Metrics(runDir);
        rows.Should().OnlyContain(r => r.RolloutNodes == 2 && r.WeightSyncSeconds > 0 && r.WeightSyncMb > 0);
        trainer.Output.Should().Contain("nodes 2", "the progress line shows the nodes");
        foreach (var r in rows)
        {
            output.WriteLine($"step {r.Step}: {r.StepSeconds:F2} s, weight sync {r.WeightSyncSeconds:F3} s for {r.WeightSyncMb:F2} MB = {r.WeightSyncMb / r.WeightSyncSeconds:F1} MB/s");
        }
    }

    [Fact]
    public void A_worker_killed_mid_step_loses_no_prompt_its_chunk_is_dealt_again_and_the_run_learns_the_same()
    {
        // Longer chunks than the other tests' (24 prompts, 64 tokens), so the kill lands while the victim generates.
        var reference = RlSpec.Trainer.Cli.TrainCommand.Fresh(fixture.Config(Path.Combine(fixture.Directory, "sigkill-reference"), port: null, prompts: 24, maxNewTokens: 64))
            .RunDirectory;
        var port = FreePort();
        var runDir = Path.Combine(fixture.Directory, "sigkill");
        var trainer = Trainer(fixture.Write("sigkill", fixture.Config(runDir, port, prompts: 24, maxNewTokens: 64)), port);
        var survivor = Worker("worker-a", port);
        var victim = Worker("worker-b", port);

        victim.WaitForLine("step 2 chunk", Minutes);
        victim.Kill();
        var killed = DateTime.UtcNow;

        var redealt = trainer.WaitForLine("dealt again", Minutes);
        output.WriteLine($"SIGKILL to chunk dealt again: {(redealt - killed).TotalSeconds:F2} s");
        trainer.WaitForExit(Minutes).Should().Be(0, trainer.Output);
        survivor.WaitForExit(TimeSpan.FromSeconds(60)).Should().Be(0);
        trainer.Output.Should().Contain("lost (unreachable");

        Rollouts(runDir).GroupBy(r => r.Step).Should().HaveCount(Steps)
            .And.OnlyContain(step => step.GroupBy(r => r.PromptId).All(p => p.Count() == 4) && step.Count() == 24 * 4, "every prompt exactly G times");
        ShouldMatchTheSingleProcessRun(runDir, reference);
        // Step 2 counts the victim if a chunk of it arrived before the kill landed (CI saw it once, the kill racing a short chunk).
        var nodes = Metrics(runDir).Select(r => r.RolloutNodes).ToList();
        nodes.Should().HaveCount(Steps);
        (nodes[0], nodes[^1]).Should().Be((2, 1));
        nodes[1].Should().BeOneOf(1, 2);
    }

    [Fact]
    public void A_late_worker_fetches_the_current_weights_before_it_takes_work_and_a_worker_expecting_another_model_is_refused()
    {
        var port = FreePort();
        var runDir = Path.Combine(fixture.Directory, "late");
        var trainer = Trainer(fixture.Write("late", fixture.Config(runDir, port, steps: 24, minNodes: 1)), port);
        var first = Worker("worker-a", port);
        trainer.WaitForLine("step 1/24", Minutes);

        var wrong = fixture.Config(runDir, port) with { Model = fixture.Config(runDir, port).Model with { Checkpoint = Path.Combine(fixture.Directory, "wider") } };
        var refused = Worker("worker-wide", port, "--config", fixture.Write("wider", wrong));
        var late = Worker("worker-late", port);

        refused.WaitForExit(Minutes).Should().Be(2);
        refused.Output.Should().Contain("refused this node: model shape differs from the trainer's").And.Contain("HiddenSize 32 vs 64");
        trainer.WaitForExit(Minutes).Should().Be(0, trainer.Output);
        late.WaitForExit(TimeSpan.FromSeconds(60)).Should().Be(0);
        first.WaitForExit(TimeSpan.FromSeconds(60)).Should().Be(0);

        var ready = trainer.Output.Split('\n').Single(l => l.Contains("ready with weights", StringComparison.Ordinal) && !l.Contains(Name(first), StringComparison.Ordinal));
        var version = int.Parse(ready[(ready.IndexOf("weights v", StringComparison.Ordinal) + 9)..].Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
        version.Should().BeGreaterThan(0, "it joined after step 1 and fetched the version current then, not the first");
        late.Output.Should().MatchRegex(@"step \d+ chunk \d+: 3 prompt\(s\) with weights v\d+", "it took work");
        trainer.Output.Should().Contain("refused rollout node");
        Metrics(runDir).Should().HaveCount(24);
    }

    [Fact]
    public void A_killed_trainer_resumes_with_the_same_workers_and_ends_with_the_uninterrupted_runs_metrics()
    {
        // Killed after the checkpoint at step 2, with six steps left of the sigkill test's longer ones (about 1 s each
        // here): CI saw a three-step run, and then a five-step one of short steps (0.2 s), finish before the kill landed,
        // leaving nothing to resume.
        static RlSpec.Trainer.Config.RunConfig Long(ClusterRunFixture f, string dir, int? port) => f.Config(dir, port, steps: 8, prompts: 24, maxNewTokens: 64);
        var reference = RlSpec.Trainer.Cli.TrainCommand.Fresh(Long(fixture, Path.Combine(fixture.Directory, "trainer-killed-reference"), port: null)).RunDirectory;
        var port = FreePort();
        var runDir = Path.Combine(fixture.Directory, "trainer-killed");
        var yaml = fixture.Write("trainer-killed", Long(fixture, runDir, port));
        var trainer = Trainer(yaml, port);
        var workers = new[] { Worker("worker-a", port), Worker("worker-b", port) };
        trainer.WaitForLine("checkpoint at step 2", Minutes);
        trainer.HasExited.Should().BeFalse("the run must still be going when it is killed");
        trainer.Kill();

        var resumed = Start("resumed trainer", "train", "--resume", runDir);
        resumed.WaitForExit(Minutes).Should().Be(0, resumed.Output);
        workers.Select(w => w.WaitForExit(TimeSpan.FromSeconds(60))).Should().Equal([0, 0]);
        workers.Should().OnlyContain(w => w.Output.Contains("joining 127.0.0.1:" + port + " again", StringComparison.Ordinal), "the workers stayed up");

        ShouldMatchTheSingleProcessRun(runDir, reference);
    }

    [Fact]
    public void An_asynchronous_cluster_run_fetches_each_version_a_chunk_names_and_equals_the_asynchronous_single_process_run()
    {
        static RlSpec.Trainer.Config.RunConfig Async(RlSpec.Trainer.Config.RunConfig c) => c with { Pipeline = c.Pipeline with { Mode = "async", MaxStaleness = 1 } };
        var reference = RlSpec.Trainer.Cli.TrainCommand.Fresh(Async(fixture.Config(Path.Combine(fixture.Directory, "async-reference"), port: null))).RunDirectory;
        var port = FreePort();
        var runDir = Path.Combine(fixture.Directory, "async");
        var trainer = Trainer(fixture.Write("async", Async(fixture.Config(runDir, port))), port);
        var workers = new[] { Worker("worker-a", port), Worker("worker-b", port) };

        trainer.WaitForExit(Minutes).Should().Be(0, trainer.Output);
        workers.Select(w => w.WaitForExit(TimeSpan.FromSeconds(60))).Should().Equal([0, 0]);

        Metrics(runDir).Select(r => (r.Staleness, Learning(r))).Should().Equal(Metrics(reference).Select(r => (r.Staleness, Learning(r))));
        Metrics(runDir).Select(r => r.Staleness).Should().Equal(0, 1, 1);
        Texts(runDir).Should().Equal(Texts(reference));
        Rollouts(runDir).Select(r => (r.Step, r.PolicyVersion)).Distinct().Should().Equal([(1, 0L), (2, 0L), (3, 1L)], "each chunk generated by the version it named");
    }

    [Fact]
    public void A_trainer_that_no_worker_joins_fails_after_the_join_timeout_saying_how_to_start_one()
    {
        var port = FreePort();
        var config = fixture.Config(Path.Combine(fixture.Directory, "nobody"), port);
        config = config with { Cluster = config.Cluster with { JoinTimeoutS = 2 } };

        var act = () => RlSpec.Trainer.Cli.TrainCommand.Fresh(config);

        act.Should().Throw<RlSpec.Trainer.Cluster.ClusterException>()
            .WithMessage($"cluster: 0 of 2 rollout node(s) joined within 2 s (cluster.join_timeout_s); start them with `rlspec worker --join 127.0.0.1:{port}`.");
    }

    private static string Name(NodeProcess worker) =>
        worker.Output.Split('\n').First(l => l.Contains("rollout node akka.tcp", StringComparison.Ordinal)).Split("rollout node ")[1].Split(' ')[0];

    public void Dispose() => _processes.ForEach(p => p.Dispose());
}
