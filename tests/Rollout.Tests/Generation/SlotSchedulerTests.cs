using FluentAssertions;
using RlSpec.Rollout.Generation;
using Xunit;

namespace RlSpec.Rollout.Tests.Generation;

public sealed class SlotSchedulerTests
{
    [Fact]
    public void Groups_fill_the_slots_in_order_with_one_prefill_per_prompt()
    {
        var scheduler = new SlotScheduler([3, 3, 3], slots: 6, parkingRows: 4);
        var round = scheduler.NextRound()!;
        round.Prefills.Should().Equal(new Prefill(0, 6), new Prefill(1, 7));
        round.Admissions.Select(a => (a.Sequence, a.SourceRow, a.Slot)).Should().Equal((0L, 6, 0), (1L, 6, 1), (2L, 6, 2), (3L, 7, 3), (4L, 7, 4), (5L, 7, 5));
        round.HeldMove.Should().BeNull();
        scheduler.NextRound().Should().BeNull("every slot is taken");
        scheduler.QueueEmpty.Should().BeFalse();
    }

    [Fact]
    public void A_group_that_does_not_fit_stays_parked_in_the_first_parking_row_until_its_samples_have_slots()
    {
        var scheduler = new SlotScheduler([2, 3], slots: 4, parkingRows: 2);
        var first = scheduler.NextRound()!;
        first.Prefills.Should().Equal(new Prefill(0, 4), new Prefill(1, 5));
        first.Admissions.Select(a => a.Sequence).Should().Equal(0L, 1L, 2L, 3L);
        first.HeldMove.Should().Be((5, 4), "request 1 has one sample left, so its prefill moves to the first parking row");

        scheduler.Release([1]).Should().Equal((3, 1));
        scheduler.RowSequences.Should().Equal(0L, 3L, 2L);
        var second = scheduler.NextRound()!;
        second.Prefills.Should().BeEmpty("the held prompt is admitted from its parking row, not prefilled again");
        second.Admissions.Should().Equal(new Admission(4, 1, 4, 3));
        scheduler.QueueEmpty.Should().BeTrue();
        scheduler.NextRound().Should().BeNull();
    }

    [Fact]
    public void Releasing_rows_packs_the_live_ones_first_by_moving_the_last_into_the_holes()
    {
        var scheduler = new SlotScheduler([6], slots: 6, parkingRows: 1);
        scheduler.NextRound();
        var moves = scheduler.Release([0, 2, 5]);
        moves.Should().Equal((4, 0), (3, 2));
        scheduler.RowSequences.Should().Equal(4L, 1L, 3L);
        scheduler.Release([0, 1, 2]).Should().BeEmpty();
        scheduler.Live.Should().Be(0);
    }

    [Fact]
    public void Every_sample_is_admitted_exactly_once_whatever_the_order_rows_finish_in()
    {
        var random = new Random(5);
        var samples = Enumerable.Range(0, 13).Select(_ => random.Next(1, 9)).ToList();
        var scheduler = new SlotScheduler(samples, slots: 7, parkingRows: 3);
        var admitted = new List<long>();
        var live = new List<long>();
        while (true)
        {
            while (scheduler.NextRound() is { } round)
            {
                foreach (var a in round.Admissions)
                {
                    a.Slot.Should().Be(live.Count);
                    scheduler.RequestOf(a.Sequence).Should().Be(a.Request);
                    admitted.Add(a.Sequence);
                    live.Add(a.Sequence);
                }
            }

            live.Should().Equal(scheduler.RowSequences);
            if (live.Count == 0)
            {
                break;
            }

            var finished = Enumerable.Range(0, live.Count).Where(_ => random.NextDouble() < 0.4).ToList();
            foreach (var (from, to) in scheduler.Release(finished))
            {
                live[to] = live[from];
            }

            live.RemoveRange(live.Count - finished.Count, finished.Count);
        }

        admitted.Should().Equal(Enumerable.Range(0, samples.Sum()).Select(i => (long)i));
    }
}
