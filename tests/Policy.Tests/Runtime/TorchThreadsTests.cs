using FluentAssertions;
using RlSpec.Policy.Runtime;
using Xunit;

namespace RlSpec.Policy.Tests.Runtime;

public sealed class TorchThreadsTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 1, 1)] // the shared 2-core machine where 2 threads ran 10-20x slower than 1 while another job ran
    [InlineData(2, 3, 1)]
    [InlineData(4, 1, 3)]
    [InlineData(16, 1, 15)]
    [InlineData(16, 3, 5)] // async: two rollout workers and the trainer side share the cores
    [InlineData(64, 200, 1)]
    public void Auto_keeps_a_core_free_and_shares_the_rest_among_the_computing_threads(int cores, int computing, int expected) =>
        TorchThreads.ForMachine(cores, computing).Should().Be(expected);

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 1, 2)] // the quickstart on an idle 2-core machine
    [InlineData(16, 3, 5)]
    [InlineData(4, 200, 1)]
    public void Every_core_shares_all_of_them_among_the_computing_threads(int cores, int computing, int expected) =>
        TorchThreads.ForMachine(cores, computing, keepOneFree: false).Should().Be(expected);

    [Fact]
    public void Auto_never_asks_for_every_core_of_a_small_machine_and_an_explicit_count_wins()
    {
        var cores = TorchThreads.PhysicalCores();
        cores.Should().BeInRange(1, Environment.ProcessorCount);
        TorchThreads.Resolve(TorchThreads.Auto, 1).Should().BeInRange(1, Math.Max(1, cores - 1));
        TorchThreads.Resolve(7, 1).Should().Be(7);
        TorchThreads.Resolve(TorchThreads.AllCores, 1).Should().Be(cores);
    }
}
