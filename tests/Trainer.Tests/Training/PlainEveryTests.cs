using FluentAssertions;
using RlSpec.Trainer.Cli;
using Xunit;

namespace RlSpec.Trainer.Tests.Training;

/// <summary>
/// `speculation.plain_every` makes a run compare speculative and plain generation on its own steps: the scheduled steps
/// decode plainly (acceptance length 1, no drafter alarm), and the summary reports both kinds' tokens/s.
/// </summary>
[Collection("console")]
public sealed class PlainEveryTests(TinyRuns runs) : IClassFixture<TinyRuns>
{
    [Fact]
    public void Every_second_step_generates_plainly_and_the_summary_compares_the_two_kinds_of_step()
    {
        var summary = TrainCommand.Fresh(runs.Config(Path.Combine(runs.Root, "plain-every"), "speculation.plain_every=2"));
        var rows = TinyRuns.Metrics(summary.RunDirectory);

        rows.Where(r => r.Step % 2 == 0).Should().OnlyContain(r => r.AcceptanceLength == 1.0, "steps 2, 4 and 6 decode without drafts");
        rows.Where(r => r.Step % 2 == 1).Should().OnlyContain(r => r.AcceptanceLength > 1.0, "the other steps speculate");
        rows.Should().OnlyContain(r => r.DrafterAlarm == 0, "a plain step's acceptance of 1 is not a worse drafter");
        summary.PlainSteps.Should().NotBeNull();
        summary.PlainSteps!.SpeculativeSteps.Should().Be(2, "steps 3 and 5 (step 1 is warm-up)");
        summary.PlainSteps.PlainSteps.Should().Be(3);
        summary.PlainSteps.Speedup.Should().BeGreaterThan(0);
        summary.AcceptanceLength.Should().BeGreaterThan(1.0, "the run's acceptance length is its speculative steps'");
        File.ReadAllText(Path.Combine(summary.RunDirectory, "summary.md")).Should().Contain("speculation.plain_every").And.Contain("tokens/s over 3");
    }
}
