using FluentAssertions;
using RlSpec.Policy.Tasks;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Cluster;
using RlSpec.Trainer.Grpo;
using RlSpec.Trainer.Training;
using Xunit;

namespace RlSpec.Trainer.Tests.Cluster;

public sealed class ChunkDealerTests
{
    private static readonly GenerateStep Step = new(4, 4, Enumerable.Range(0, 6).Select(i => new TaskExample($"p{i}", $"{i}+1=", $"{i + 1}", null)).ToList(), 77);

    private static RolloutBatch Batch(RolloutWork work)
    {
        var examples = work.Prompts.SelectMany(p => new[] { p, p }).ToList();
        return new RolloutBatch(examples.Select(e => new ScoredRollout(e.Id, [1], [(int)(work.Seed % 1000)], [-1f], 0, work.PolicyVersion)).ToList(), examples,
            examples.Select(e => e.Id).ToList(), examples.Select(_ => (string?)null).ToList(), examples.Select(_ => (IReadOnlyList<VerifyStepCounts>)[]).ToList(), 0.1, 2, 2);
    }

    [Fact]
    public void A_lost_nodes_chunks_go_to_the_others_with_their_own_seeds_and_late_answers_from_it_are_ignored()
    {
        var dealer = new ChunkDealer(maxAttempts: 3);
        dealer.AddNode("a", 1);
        dealer.AddNode("b", 1);
        var chunks = RolloutPoolActor.Chunks(Step, 3);
        dealer.Begin(chunks);

        var first = dealer.Deal();
        first.Select(d => (d.Node, d.Work.Chunk)).Should().Equal(("a", 0), ("b", 1));
        var (lost, failure) = dealer.RemoveNode("b");
        lost.Select(w => w.Chunk).Should().Equal(1);
        failure.Should().BeNull();
        dealer.Deal().Should().BeEmpty("a's one worker is busy");

        dealer.Complete("a", 4, 0, Batch(first[0].Work)).Should().BeTrue();
        var again = dealer.Deal().Should().ContainSingle().Subject;
        again.Work.Should().Be(chunks[1] with { Attempt = 2 }, "same prompts, same seed, one attempt spent");
        dealer.Complete("b", 4, 1, Batch(chunks[1])).Should().BeTrue("the first answer for a chunk counts, whoever sends it");
        dealer.Complete("a", 4, 1, Batch(again.Work)).Should().BeFalse("a repeated answer is ignored");
        dealer.Complete("a", 3, 2, Batch(chunks[2])).Should().BeFalse("an answer for another step is ignored");
        dealer.Deal().Select(d => d.Work.Chunk).Should().Equal(2);
        dealer.Complete("a", 4, 2, Batch(chunks[2])).Should().BeTrue();

        dealer.Done.Should().BeTrue();
        dealer.Results.SelectMany(b => b.Rollouts).Select(r => r.PromptId).Should().Equal(Step.Prompts.SelectMany(p => new[] { p.Id, p.Id }),
            "every prompt exactly G times, in prompt order");
        dealer.Redispatched.Should().Be(1);
    }

    [Fact]
    public void A_chunk_that_keeps_failing_or_losing_its_node_fails_the_step_at_the_attempt_limit()
    {
        var dealer = new ChunkDealer(maxAttempts: 2);
        dealer.AddNode("a", 2);
        dealer.AddNode("b", 2);
        dealer.Begin(RolloutPoolActor.Chunks(Step, 1));
        var work = dealer.Deal().Single();
        dealer.RemoveNode(work.Node).Failure.Should().BeNull();
        var again = dealer.Deal().Single();

        dealer.Failed(again.Node, again.Work, "InvalidOperationException: out of memory").Should().Match("*chunk 0 of step 5 failed 2 times*out of memory*");
    }

    [Fact]
    public void Chunks_wait_for_a_node_and_go_to_the_least_busy_one()
    {
        var dealer = new ChunkDealer(maxAttempts: 3);
        dealer.Begin(RolloutPoolActor.Chunks(Step, 6));
        dealer.Deal().Should().BeEmpty();
        dealer.Waiting.Should().BeTrue();

        dealer.AddNode("a", 2);
        dealer.AddNode("b", 3);
        dealer.Deal().Select(d => d.Node).Should().Equal("a", "b", "a", "b", "b");
        dealer.InFlight("b").Should().Equal(1, 3, 4);
    }
}
