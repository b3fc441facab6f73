using FluentAssertions;
using RlSpec.Trainer.Pipeline;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Tests.Pipeline;

public sealed class WeightStoreTests
{
    private static nn.Module<Tensor, Tensor> Layer(long seed)
    {
        manual_seed(seed);
        return nn.Linear(3, 2);
    }

    private static float[] Weights(nn.Module module) => module.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    [Fact]
    public void A_replica_loads_exactly_the_version_it_asks_for_even_after_the_learner_moved_on()
    {
        using var store = new WeightStore(keep: 3);
        var learner = Layer(1);
        store.Publish(0, learner, null);
        var version0 = Weights(learner);
        using (no_grad())
        {
            learner.parameters().First().PlusInPlace(1.0);
        }

        store.Publish(1, learner, null);
        var replica = Layer(2);

        store.LoadInto(0, replica, null);
        Weights(replica).Should().Equal(version0, "a snapshot is a copy, not a view of the learner's tensors");
        store.LoadInto(1, replica, null);
        Weights(replica).Should().Equal(Weights(learner));
        store.Latest.Should().Be(1);
    }

    [Fact]
    public void Old_versions_are_dropped_beyond_the_kept_count_and_asking_for_one_names_what_is_held()
    {
        using var store = new WeightStore(keep: 2);
        var learner = Layer(1);
        foreach (var v in new long[] { 0, 1, 2 })
        {
            store.Publish(v, learner, null);
        }

        var load = () => store.LoadInto(0, Layer(3), null);
        load.Should().Throw<InvalidOperationException>().WithMessage("*version 0 is not available (held: 1, 2)*");
        var backwards = () => store.Publish(2, learner, null);
        backwards.Should().Throw<InvalidOperationException>().WithMessage("*versions only grow*");
    }

    [Fact]
    public void Drafter_weights_travel_with_the_policy_version()
    {
        using var store = new WeightStore(keep: 1);
        var (policy, drafter) = (Layer(1), Layer(4));
        store.Publish(7, policy, drafter);
        var (replicaPolicy, replicaDrafter) = (Layer(5), Layer(6));

        store.LoadInto(7, replicaPolicy, replicaDrafter);

        Weights(replicaDrafter).Should().Equal(Weights(drafter));
        Weights(replicaPolicy).Should().Equal(Weights(policy));
    }
}
