using Akka.Actor;
using Akka.TestKit.Xunit2;
using FluentAssertions;
using RlSpec.Policy.Tasks;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Grpo;
using RlSpec.Trainer.Training;
using Xunit;

namespace RlSpec.Trainer.Tests.Actors;

public sealed class RolloutPoolActorTests : TestKit
{
    /// <summary>Two samples per prompt, deterministic in the seed; crashes on the chunks it is told to, once each.</summary>
    private sealed class FakeGenerator(HashSet<(ulong Seed, int Attempt)> crashes, Dictionary<ulong, int> attempts) : IRolloutChunkGenerator
    {
        public List<long> Loaded { get; } = [];

        public void Load(long version) => Loaded.Add(version);

        public RolloutBatch Generate(IReadOnlyList<TaskExample> prompts, long policyVersion, ulong seed, bool speculate = true)
        {
            lock (attempts)
            {
                attempts[seed] = attempts.GetValueOrDefault(seed) + 1;
                if (crashes.Contains((seed, attempts[seed])))
                {
                    throw new InvalidOperationException("worker crashed mid-rollout");
                }
            }

            var examples = prompts.SelectMany(p => new[] { p, p }).ToList();
            var rollouts = examples.Select((e, i) => new ScoredRollout(e.Id, [1], [(int)(seed % 1000), i], [-0.5f, -0.5f], i % 2, policyVersion)).ToList();
            return new RolloutBatch(rollouts, examples, examples.Select(e => e.Id).ToList(), examples.Select(_ => (string?)null).ToList(),
                examples.Select(_ => (IReadOnlyList<VerifyStepCounts>)[]).ToList(), 0.1, 4, 4);
        }
    }

    private static List<TaskExample> Prompts(int n) => Enumerable.Range(0, n).Select(i => new TaskExample($"p{i}", $"{i}+1=", $"{i + 1}", null)).ToList();

    private StepRollouts Run(int workers, HashSet<(ulong, int)> crashes, Dictionary<ulong, int> attempts)
    {
        var pool = Sys.ActorOf(RolloutPoolActor.Props(workers, () => new FakeGenerator(crashes, attempts)));
        return pool.Ask<StepRollouts>(new GenerateStep(3, 7, Prompts(10), 42), TimeSpan.FromSeconds(10)).Result;
    }

    [Fact]
    public async Task A_chunk_that_keeps_crashing_fails_the_step_after_the_attempt_limit_instead_of_looping()
    {
        var seed = RolloutPoolActor.ChunkSeed(42, 0);
        var pool = Sys.ActorOf(RolloutPoolActor.Props(2, () => new FakeGenerator([(seed, 1), (seed, 2), (seed, 3)], []), maxAttempts: 3));

        var act = () => pool.Ask<StepRollouts>(new GenerateStep(0, 0, Prompts(4), 42), TimeSpan.FromSeconds(10));

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*chunk 0 of step 1 failed 3 times*worker crashed mid-rollout*");
    }

    [Fact]
    public async Task Sync_loads_the_version_into_every_worker_before_answering()
    {
        var generators = new List<FakeGenerator>();
        var pool = Sys.ActorOf(RolloutPoolActor.Props(3, () =>
        {
            var g = new FakeGenerator([], []);
            lock (generators)
            {
                generators.Add(g);
            }

            return g;
        }));

        var synced = await pool.Ask<WeightsSynced>(new SyncWeights(5), TimeSpan.FromSeconds(10));

        synced.Version.Should().Be(5);
        generators.Should().HaveCount(3).And.OnlyContain(g => g.Loaded.SequenceEqual(new long[] { 5 }));
    }

    [Fact]
    public void One_worker_keeps_the_step_seed_so_it_samples_what_generating_in_one_piece_would()
    {
        RolloutPoolActor.ChunkSeed(42, 0).Should().Be(42);
        RolloutPoolActor.ChunkSeed(42, 1).Should().NotBe(RolloutPoolActor.ChunkSeed(43, 0));
    }

    [Fact]
    public void A_worker_that_crashes_mid_rollout_is_restarted_and_its_prompts_redispatched_none_lost_or_counted_twice()
    {
        var clean = Run(3, [], []);
        var attempts = new Dictionary<ulong, int>();
        var crashed = Run(3, [(RolloutPoolActor.ChunkSeed(42, 1), 1), (RolloutPoolActor.ChunkSeed(42, 2), 1)], attempts);

        crashed.Redispatched.Should().Be(2);
        crashed.Batch.Rollouts.Select(r => r.PromptId).Should().Equal(Prompts(10).SelectMany(p => new[] { p.Id, p.Id }), "every prompt once per sample, in order");
        crashed.Batch.Rollouts.Select(r => r.Completion).Should().BeEquivalentTo(clean.Batch.Rollouts.Select(r => r.Completion), o => o.WithStrictOrdering(),
            "a re-dispatched chunk keeps its seed, so it samples what it would have");
        crashed.Batch.Rollouts.Should().OnlyContain(r => r.PolicyVersion == 7);
        attempts.Values.Sum().Should().Be(3 + 2);
    }

    [Fact]
    public async Task A_worker_whose_compute_thread_never_runs_blocks_no_thread_and_stops_at_once()
    {
        // A host thread nobody pumps: the replica is never built, as after a run's pump has ended.
        using var idle = new HostThread();
        using var system = Akka.Actor.ActorSystem.Create("idle-worker");
        var worker = system.ActorOf(RolloutWorkerActor.Props(() => new FakeGenerator([], []), idle), "worker");
        worker.Tell(new RolloutWork(0, 0, 0, Prompts(2), 1));

        var echo = system.ActorOf(Akka.Actor.Props.Create(() => new EchoActor()));
        (await echo.Ask<string>("ping", TimeSpan.FromSeconds(5))).Should().Be("ping");
        var terminated = system.Terminate();
        (await Task.WhenAny(terminated, Task.Delay(TimeSpan.FromSeconds(10)))).Should().BeSameAs(terminated, "no constructor is blocked waiting for the host thread");
    }

    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor() => ReceiveAny(m => Sender.Tell(m));
    }

    [Fact]
    public void With_one_worker_the_whole_step_is_one_chunk()
    {
        var result = Run(1, [], []);
        result.Batch.Rollouts.Should().HaveCount(20);
        result.Redispatched.Should().Be(0);
    }
}
