using FluentAssertions;
using RlSpec.Policy.Model;
using RlSpec.Trainer.Cluster;
using RlSpec.Trainer.Config;
using Xunit;

namespace RlSpec.Trainer.Tests.Cluster;

public sealed class NodeAdmissionTests
{
    private static readonly PolicyConfig Shape = new(20, HiddenSize: 32, NumLayers: 2);
    private static readonly RunConfig Config = ConfigLoader.Load(null, ["rollout.group_size=4", "model.checkpoint=/trainer/policy", "cluster.enabled=true"]);

    private static RegisterRolloutNode Request(int protocol = ClusterProtocol.Version, PolicyConfig? model = null, RunConfig? config = null) =>
        new(protocol, "node", 1, model, config is null ? null : NodeAdmission.Flatten(config));

    [Fact]
    public void A_node_that_expects_nothing_or_the_same_is_taken_on_whatever_its_machine_local_keys()
    {
        NodeAdmission.Refusal(Request(), Shape, Config).Should().BeNull();
        var sameRunElsewhere = Config with
        {
            Model = Config.Model with { Checkpoint = "/worker/copy", Device = "cuda", Threads = 8 },
            Logging = Config.Logging with { RunDir = "x" },
            Cluster = new ClusterSection(),
        };
        NodeAdmission.Refusal(Request(model: Shape, config: sameRunElsewhere), Shape, Config).Should().BeNull();
    }

    [Fact]
    public void A_node_of_another_protocol_shape_or_config_is_refused_with_what_differs()
    {
        NodeAdmission.Refusal(Request(protocol: 99), Shape, Config).Should().Match("*protocol version 99*trainer's 1*same rlspec build*");
        NodeAdmission.Refusal(Request(model: Shape with { HiddenSize = 64 }), Shape, Config).Should().Match("*model shape differs*HiddenSize 32 vs 64*");
        NodeAdmission.Refusal(Request(config: Config with { Rollout = Config.Rollout with { GroupSize = 8, Temperature = 0.7 } }), Shape, Config)
            .Should().Match("*config differs*rollout.group_size 4 vs 8*rollout.temperature 1 vs 0.7*");
    }
}
