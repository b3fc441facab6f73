using FluentAssertions;
using RlSpec.Trainer.Pipeline;
using Xunit;

namespace RlSpec.Trainer.Tests.Pipeline;

public sealed class StepScheduleTests
{
    [Fact]
    public void Sync_generates_every_step_with_the_weights_it_trains()
    {
        var schedule = new StepSchedule(Staleness: 0, TotalSteps: 5);

        Enumerable.Range(0, 5).Select(schedule.GenerationVersion).Should().Equal(Enumerable.Range(0, 5).Select(schedule.TrainingVersion));
        schedule.CanGenerate(3, published: 2).Should().BeFalse("step 3 needs version 3");
        schedule.CanGenerate(3, published: 3).Should().BeTrue();
        schedule.CanGenerate(5, published: 9).Should().BeFalse("the run has 5 steps");
    }

    [Fact]
    public void Async_runs_generation_up_to_the_staleness_ahead_but_never_before_the_oldest_version()
    {
        var schedule = new StepSchedule(Staleness: 2, TotalSteps: 20);

        new[] { 0, 1, 2, 3, 4 }.Select(schedule.GenerationVersion).Should().Equal(0, 0, 0, 1, 2);
        new[] { 0, 1, 2, 3, 4 }.Select(s => schedule.TrainingVersion(s) - schedule.GenerationVersion(s)).Should().Equal(0, 1, 2, 2, 2);
        schedule.CanGenerate(12, published: 10).Should().BeTrue("step 12 may use version 10 while 10 and 11 train");
        schedule.CanGenerate(13, published: 10).Should().BeFalse();
    }

    [Fact]
    public void A_resumed_run_without_older_weights_generates_with_the_checkpoints_own()
    {
        var schedule = new StepSchedule(Staleness: 2, TotalSteps: 20, OldestVersion: 10);

        new[] { 10, 11, 12, 13 }.Select(schedule.GenerationVersion).Should().Equal(10, 10, 10, 11);
    }
}
