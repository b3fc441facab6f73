using FluentAssertions;
using RlSpec.Trainer.Quickstart;
using Xunit;

namespace RlSpec.Trainer.Tests.Quickstart;

public sealed class PhaseProgressTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;
    }

    private sealed class Live : ILiveLog
    {
        public List<string> Updates { get; } = [];
        public List<string> Lines { get; } = [];

        public void Report(string value) => Lines.Add(value);

        public void Update(string line) => Updates.Add(line);
    }

    [Fact]
    public void Redirected_a_phase_prints_its_first_report_then_one_line_per_interval_and_its_end()
    {
        var clock = new ManualClock();
        var lines = new List<string>();
        var progress = new PhaseProgress(new SynchronousProgress<string>(lines.Add), "EAGLE pretraining", 100, "steps", clock);

        for (var step = 1; step <= 100; step++)
        {
            clock.Ticks += TimeSpan.TicksPerSecond; // one second per step: 100 s in all
            progress.Report(step, "KL 0.1");
        }

        progress.Done("mean KL 0.1");

        lines.Should().HaveCount(11, "the first report, one per 10 s, and the end");
        lines[0].Should().Be("EAGLE pretraining: 1/100 steps (1%, 1 s)  KL 0.1");
        lines[1].Should().StartWith("EAGLE pretraining: 11/100 steps (11%, 11 s)");
        lines[^1].Should().Be("EAGLE pretraining: 100/100 steps (100%, 100 s)  mean KL 0.1");
    }

    [Fact]
    public void On_a_terminal_every_report_updates_one_line_and_the_end_is_kept()
    {
        var live = new Live();
        var progress = new PhaseProgress(live, "greedy accuracy", 256, "problems");

        progress.Report(64);
        progress.Report(128);
        progress.Done("55.9%");

        live.Updates.Should().HaveCount(2).And.Subject.First().Should().StartWith("greedy accuracy: 64/256 problems (25%");
        live.Lines.Should().ContainSingle().Which.Should().StartWith("greedy accuracy: 256/256 problems (100%").And.EndWith("55.9%");
    }
}
