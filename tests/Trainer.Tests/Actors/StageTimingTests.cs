using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using FluentAssertions;
using RlSpec.Trainer.Actors;
using Xunit;

namespace RlSpec.Trainer.Tests.Actors;

public sealed class StageTimingTests : TestKit
{
    /// <summary>A compute thread busy with another stage's work for <paramref name="queued"/> before it gets to this one.</summary>
    private sealed class BusyCompute(TimeSpan queued) : IComputeThread
    {
        public Task<T> Run<T>(Func<T> work) => Task.Run(async () =>
        {
            await Task.Delay(queued);
            return work();
        });
    }

    [Fact]
    public async Task A_stage_reports_the_seconds_of_its_own_work_not_the_time_it_waited_for_the_compute_thread()
    {
        var stage = Sys.ActorOf(Stages.WeightSync(new BusyCompute(TimeSpan.FromMilliseconds(600)), _ => Thread.Sleep(50)));
        var clock = Stopwatch.StartNew();

        var published = await stage.Ask<WeightsPublished>(new PublishWeights(3), TimeSpan.FromSeconds(10));

        clock.Elapsed.TotalSeconds.Should().BeGreaterThan(0.6);
        published.Seconds.Should().BeInRange(0.04, 0.4, "600 ms of queueing is waiting; the stage's own work took 50 ms");
    }
}
