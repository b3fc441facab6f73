using FluentAssertions;
using RlSpec.Rollout.Benchmarks;
using Xunit;

namespace RlSpec.Rollout.Tests.Benchmarks;

public sealed class InterleavedOrderTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Every_method_runs_right_after_every_method_about_equally_often(int methods)
    {
        var order = new InterleavedOrder(methods);
        var sequence = Enumerable.Range(0, 60).SelectMany(_ => order.Next()).ToList();
        var followed = new int[methods, methods];
        for (var i = 1; i < sequence.Count; i++)
        {
            followed[sequence[i - 1], sequence[i]]++;
        }

        var counts = followed.Cast<int>().ToList();
        (counts.Max() - counts.Min()).Should().BeLessThanOrEqualTo(3, "a rotated order of three methods puts the same one after a given one in two of every three repeats");
        sequence.Take(methods).Should().Equal(Enumerable.Range(0, methods), "the first repeat runs the methods in their given order");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void Each_repeat_runs_every_method_once(int methods)
    {
        var order = new InterleavedOrder(methods);
        for (var r = 0; r < 20; r++)
        {
            order.Next().Should().BeEquivalentTo(Enumerable.Range(0, methods));
        }
    }
}
