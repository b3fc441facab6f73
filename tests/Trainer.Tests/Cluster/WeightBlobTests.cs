using FluentAssertions;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Model;
using RlSpec.Trainer.Cluster;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Tests.Cluster;

public sealed class WeightBlobTests
{
    private static readonly PolicyConfig Shape = new(20, HiddenSize: 32, NumLayers: 2, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 64);

    [Fact]
    public void A_version_travels_as_one_blob_and_loads_into_a_replica_bit_exact_policy_and_drafter_together()
    {
        using var policy = WeightInit.NewPolicy(Shape, 5, 0.3);
        using var head = new EagleHead(Shape, EagleConfig.For(Shape));
        var blob = WeightBlob.Encode(7, policy, head);
        using var replica = new PolicyModel(Shape);
        using var replicaHead = new EagleHead(Shape, EagleConfig.For(Shape));

        var cache = new WeightBlobCache(keep: 2);
        cache.Add(7, blob);
        cache.LoadInto(7, replica, replicaHead);

        foreach (var (name, tensor) in policy.state_dict())
        {
            replica.state_dict()[name].eq(tensor).all().item<bool>().Should().BeTrue(name);
        }

        foreach (var (name, tensor) in head.state_dict())
        {
            replicaHead.state_dict()[name].eq(tensor).all().item<bool>().Should().BeTrue(name);
        }
    }

    [Fact]
    public void A_node_loads_only_the_version_asked_for()
    {
        using var policy = WeightInit.NewPolicy(Shape, 5, 0.3);
        using var replica = new PolicyModel(Shape);
        var cache = new WeightBlobCache(keep: 2);
        cache.Add(3, WeightBlob.Encode(3, policy, null));
        cache.Add(1, WeightBlob.Encode(1, policy, null));
        cache.Add(2, WeightBlob.Encode(2, policy, null));

        cache.Has(1).Should().BeFalse("only the newest two are kept");
        cache.Invoking(c => c.LoadInto(1, replica, null)).Should().Throw<InvalidOperationException>().WithMessage("*version 1 has not been fetched*");
        cache.Add(4, WeightBlob.Encode(5, policy, null));
        cache.Invoking(c => c.LoadInto(4, replica, null)).Should().Throw<InvalidDataException>().WithMessage("*version 4*says it is version 5*");
        using var other = new PolicyModel(Shape with { HiddenSize = 64 });
        cache.Invoking(c => c.LoadInto(3, other, null)).Should().Throw<Exception>().WithMessage("*shape*");
    }
}
