using FluentAssertions;
using RlSpec.Drafter.Eagle;
using RlSpec.Trainer.Cli;
using Xunit;

namespace RlSpec.Trainer.Tests.Training;

[Collection("console")]
public sealed class WarmStartHeadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-warmhead-").FullName;

    [Fact]
    public void The_eagle_head_pretrained_on_a_warm_start_is_saved_beside_it_and_a_run_from_that_checkpoint_reuses_it_with_progress_shown()
    {
        var first = Path.Combine(_dir, "first");
        var warm = Path.Combine(first, "warm-start");
        string[] shape = ["model.warm_start_steps=3", "model.layers=1", "model.hidden=32", "model.heads=4", "model.kv_heads=2", "model.intermediate=64", "task.eval_prompts=8"];

        var log = TinyRun.Stderr(() => TrainCommand.Fresh(TinyRun.Config(first, shape)));

        EagleCheckpoint.Exists(warm).Should().BeTrue("later runs from the warm start must not pretrain again");
        log.Should().Contain($"saved the EAGLE head to {EagleCheckpoint.PathFor(warm)}");
        // Every long phase reports progress (redirected here: a line at the start of the phase's reports and at its end).
        log.Should().Contain("warm start (SFT): 3/3 steps").And.Contain("EAGLE pretraining: 3/3 steps")
            .And.Contain("greedy accuracy before warm start: 8/8 problems").And.Contain("greedy accuracy before training: 8/8 problems")
            .And.Contain("writing the checkpoint of step 1").And.Contain("torch thread(s)");

        var second = TinyRun.Stderr(() => TrainCommand.Fresh(TinyRun.Config(Path.Combine(_dir, "second"), $"model.checkpoint={warm}")));

        second.Should().Contain($"reusing the EAGLE head saved beside the policy in {EagleCheckpoint.PathFor(warm)}").And.NotContain("EAGLE pretraining");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
