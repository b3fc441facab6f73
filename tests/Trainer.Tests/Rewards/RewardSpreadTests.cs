using FluentAssertions;
using RlSpec.Trainer.Cli;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Rewards;
using RlSpec.Trainer.Tests.Training;
using Xunit;

namespace RlSpec.Trainer.Tests.Rewards;

[Collection("console")]
public sealed class RewardSpreadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-spread-").FullName;

    [Fact]
    public void A_step_whose_rewards_are_all_equal_is_warned_about_first_then_every_tenth_step_in_a_row()
    {
        var spread = new RewardSpread(new TaskSection());
        spread.Check(1, [0, 1, 0, 0]).Should().BeNull();
        spread.Check(2, [0, 0, 0, 0]).Should().StartWith("WARNING: step 2: all 4 rewards are 0, so every advantage is 0");
        Enumerable.Range(3, 8).Select(s => spread.Check(s, [1, 1])).ToList().Should().AllSatisfy(w => w.Should().BeNull());
        spread.Check(11, [1, 1]).Should().Contain("(10 steps in a row)");
        spread.Check(12, [1, 0]).Should().BeNull();
        spread.Check(13, [1, 1]).Should().NotBeNull("a new run of identical steps starts over");
    }

    [Fact]
    public void A_jsonl_run_on_the_exact_reward_without_an_answer_pattern_warns_loudly_after_its_first_step()
    {
        var data = Path.Combine(_dir, "data.jsonl");
        File.WriteAllLines(data, Enumerable.Range(1, 6).Select(i => $"{{\"prompt\": \"{i}+{i}=\", \"answer\": \"{2 * i}\"}}"));
        var config = TinyRun.Config(Path.Combine(_dir, "run"), $"model.checkpoint={TinyRun.Policy(Path.Combine(_dir, "policy"))}", "task.kind=jsonl",
            $"task.dataset={data}", "task.eval_prompts=0", "trainer.steps=1", "speculation.enabled=false");

        var log = TinyRun.Stderr(() => TrainCommand.Fresh(config));

        log.Should().Contain("WARNING: step 1: all 4 rewards are 0").And.Contain("task.answer_pattern is not set");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
