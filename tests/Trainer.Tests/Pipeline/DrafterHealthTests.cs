using FluentAssertions;
using RlSpec.Trainer.Pipeline;
using Xunit;

namespace RlSpec.Trainer.Tests.Pipeline;

public sealed class DrafterHealthTests
{
    /// <summary>A healthy aligned drafter: acceptance wobbling ±10 % around 3.6, lag 1 (aligned after every update).</summary>
    private static readonly double[] Healthy = [3.5, 3.7, 3.6, 3.4, 3.8, 3.6, 3.3, 3.7, 3.5, 3.9, 3.6, 3.4, 3.6, 3.7, 3.5, 3.6];

    private static List<HealthVerdict> Feed(DrafterHealth health, IReadOnlyList<double> acceptance, Func<int, long?> lag) =>
        [.. acceptance.Select((a, step) => health.Observe(step, a, lag(step)))];

    [Fact]
    public void A_healthy_drafter_raises_no_alarm()
    {
        var verdicts = Feed(new DrafterHealth(new DrafterHealthOptions(), lead: 0), Healthy, step => step == 0 ? 0 : 1);

        verdicts.Should().OnlyContain(v => !v.Alarm && v.Notice == null);
    }

    [Fact]
    public void A_drop_below_the_recent_median_raises_the_alarm_and_it_stays_until_acceptance_is_back()
    {
        double[] acceptance = [3.6, 3.5, 3.7, 3.6, 2.5, 2.4, 2.6, 3.5, 3.6];
        var verdicts = Feed(new DrafterHealth(new DrafterHealthOptions(Drop: 0.2), lead: 0), acceptance, _ => 1);

        verdicts.Select(v => v.Alarm).Should().Equal(false, false, false, false, true, true, true, false, false);
        verdicts[4].Notice.Should().Contain("drafter alarm at step 5").And.Contain("below its recent median 3.60");
        verdicts[7].Notice.Should().Contain("cleared");
    }

    [Fact]
    public void Scheduled_plain_steps_generate_plainly_and_their_acceptance_of_one_is_no_alarm()
    {
        var health = new DrafterHealth(new DrafterHealthOptions(PlainEvery: 3), lead: 0);
        var plan = new List<bool>();
        var verdicts = new List<HealthVerdict>();
        for (var step = 0; step < 9; step++)
        {
            plan.Add(health.Speculates(step));
            verdicts.Add(health.Observe(step, plan[^1] ? Healthy[step] : 1.0, 1));
        }

        plan.Should().Equal(true, true, false, true, true, false, true, true, false);
        verdicts.Should().OnlyContain(v => !v.Alarm, "a plain step's acceptance length of 1 is not a drafter that got worse");
        health.Level.Should().BeApproximately(3.6, 0.15, "the level is the speculative steps' median");
    }

    [Fact]
    public void A_drafter_left_unaligned_while_the_policy_moves_raises_the_lag_alarm()
    {
        // Alignment off: the drafter stays at version 0 while step s generates with version s.
        var verdicts = Feed(new DrafterHealth(new DrafterHealthOptions(MaxLag: 2), lead: 0), Healthy, step => step);

        verdicts.Select(v => v.Alarm).Should().Equal(Healthy.Select((_, step) => step > 2));
        verdicts[3].Notice.Should().Contain("3 policy versions behind (limit 2)");
    }

    [Fact]
    public void Auto_disable_switches_speculation_off_and_probes_until_the_drafter_recovers()
    {
        var health = new DrafterHealth(new DrafterHealthOptions(Drop: 0.2, AutoDisable: true, ProbeEvery: 2), lead: 0);
        foreach (var (a, step) in new[] { 3.6, 3.5, 3.7, 3.6 }.Select((a, i) => (a, i)))
        {
            health.Observe(step, a, 1);
        }

        var alarm = health.Observe(4, 1.8, 1);
        alarm.Notice.Should().Contain("speculation off");
        var plan = new List<bool>();
        var alarms = new List<bool>();
        // While off, steps are plain (acceptance 1); the first probe (step 7) still drafts badly, the second (step 9) recovers.
        for (var step = 5; step <= 10; step++)
        {
            plan.Add(health.Speculates(step));
            var acceptance = !health.Speculates(step) ? 1.0 : step == 7 ? 2.0 : 3.6;
            alarms.Add(health.Observe(step, acceptance, 1).Alarm);
        }

        plan.Should().Equal(false, false, true, false, true, true);
        alarms.Should().Equal(true, true, true, true, false, false);
        health.Disabled.Should().BeFalse();
    }

    [Fact]
    public void A_lagging_drafter_is_not_probed_until_it_is_aligned_again()
    {
        var health = new DrafterHealth(new DrafterHealthOptions(MaxLag: 2, AutoDisable: true, ProbeEvery: 1), lead: 0);
        var plan = new List<bool>();
        for (var step = 0; step < 9; step++)
        {
            plan.Add(health.Speculates(step));
            // Alignment stalls until step 5 (lag = step), then catches up (lag 1 again).
            health.Observe(step, plan[^1] ? 3.6 : 1.0, step <= 5 ? step : 1);
        }

        plan.Should().Equal(true, true, true, true, false, false, false, true, true);
        health.Disabled.Should().BeFalse("at step 8 the lag was back to 1 and the probe accepted as before the alarm");
    }

    [Fact]
    public void In_async_mode_a_decision_lands_on_the_step_that_starts_after_the_recorded_one_and_replay_reproduces_it()
    {
        var options = new DrafterHealthOptions(Drop: 0.2, AutoDisable: true, ProbeEvery: 2);
        var live = new DrafterHealth(options, lead: 1);
        var rows = new List<(int Step, double Acceptance, long? Lag)>();
        var plan = new List<bool>();
        for (var step = 0; step < 12; step++)
        {
            plan.Add(live.Speculates(step));
            var acceptance = !plan[^1] ? 1.0 : step is 5 or 6 ? 1.5 : 3.6;
            live.Observe(step, acceptance, 1);
            rows.Add((step + 1, acceptance, 1));
        }

        plan[6].Should().BeTrue("step 6 was already generating when step 5 (the drop) was recorded");
        plan[7].Should().BeFalse();
        plan.Should().Contain(false).And.EndWith(true);

        var resumed = new DrafterHealth(options, lead: 1);
        resumed.Replay(rows.Take(8));
        for (var step = 8; step < 12; step++)
        {
            resumed.Speculates(step).Should().Be(plan[step], $"step {step + 1} decides as in the uninterrupted run");
            resumed.Observe(step, rows[step].Acceptance, rows[step].Lag);
        }
    }
}
