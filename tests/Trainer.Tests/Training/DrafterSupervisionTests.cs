using FluentAssertions;
using Xunit;

namespace RlSpec.Trainer.Tests.Training;

/// <summary>
/// Where the aligned drafter's supervision comes from: the generation's own forwards (default, sync and single-process)
/// spare a speculative run the log-prob recompute, which the drafter needed before; `recompute` keeps the old path.
/// </summary>
[Collection("console")]
public sealed class DrafterSupervisionTests(TinyRuns runs) : IClassFixture<TinyRuns>
{
    [Fact]
    public void Supervision_from_the_rollouts_aligns_the_drafter_every_step_without_a_recompute_forward()
    {
        var fromRollouts = TinyRuns.Metrics(runs.Speculative);   // the default, drafter.supervision: rollouts
        var fromRecompute = TinyRuns.Metrics(runs.Train("recompute-supervision", "drafter.supervision=recompute"));

        fromRollouts.Should().OnlyContain(r => double.IsFinite(r.DrafterKl), "every step's rollouts left fresh records to align on");
        fromRecompute.Should().OnlyContain(r => double.IsFinite(r.DrafterKl));
        fromRecompute.Should().OnlyContain(r => double.IsFinite(r.RecomputeMaxDiff), "the recompute forward ran every step to record the supervision");
        fromRollouts.Select(r => double.IsFinite(r.RecomputeMaxDiff)).Should().Equal([true, false, false, false, false, false],
            "with trainer.recompute_logprobs: auto nothing else needs the recompute but its check on the first of every 10 steps");
    }

}
