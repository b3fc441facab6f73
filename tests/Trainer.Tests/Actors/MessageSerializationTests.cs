using FluentAssertions;
using MessagePack;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Actors;
using RlSpec.Trainer.Cluster;
using RlSpec.Trainer.Grpo;
using RlSpec.Trainer.Pipeline;
using RlSpec.Trainer.Runs;
using RlSpec.Trainer.Training;
using Xunit;

namespace RlSpec.Trainer.Tests.Actors;

public sealed class MessageSerializationTests
{
    private static readonly List<TaskExample> Prompts = [new("p0", "12+3=", "15", null), new("p1", "7*8=", "56", "56")];

    private static readonly List<ScoredRollout> Rollouts =
        [new("p0", [1, 2, 3], [4, 5], [-0.25f, -1.5f], 1.0, 3), new("p0", [1, 2, 3], [6], [-2f], 0.0, 3)];

    private static readonly RolloutBatch Batch = new(Rollouts, [Prompts[0], Prompts[0]], ["15", "9"], [null, "wrong answer"],
        [[new VerifyStepCounts(4, 2), new VerifyStepCounts(4, 4)], []], 0.75, 7, 3, [[-0.2f, -1.4f], [-1.9f]]);

    /// <summary>One filled-in example of every pipeline message.</summary>
    public static TheoryData<IPipelineMessage> Messages() =>
    [
        new StartRun(new TrainerState(3, 3, 24)),
        new LoadPrompts(2, 8),
        new PromptsLoaded(2, Prompts, 0.01),
        new PublishWeights(4),
        new WeightsPublished(4, 0.02),
        new SyncWeights(4),
        new LoadWeights(4),
        new WeightsLoaded(4),
        new WeightsSynced(4, 0.03, 1_234_567),
        new GenerateStep(2, 4, Prompts, 99, Speculate: false),
        new RolloutWork(2, 1, 4, Prompts, 1234567890123UL, 2, Speculate: false),
        new RolloutChunkDone(2, 1, Batch),
        new RedispatchWork(new RolloutWork(2, 1, 4, Prompts, 5), new RemoteFailure("InvalidOperationException", "worker crashed")),
        new StepRollouts(2, Batch, 1, 2),
        new RecomputeLogProbs(2, Rollouts, 4),
        new LogProbsRecomputed(2, new RecomputedLogProbs([[-0.25f, -1.5f], [-2f]], 1.7, 0.001, 12, 3e-6), 0.4),
        new UpdatePolicy(2, Rollouts, [[-0.25f, -1.5f], [-2f]]),
        new PolicyUpdated(2, new UpdateMetrics(0.1, 0.05, 0.0, 0.002, 0.9, 1e-4), 0.5),
        new AlignDrafter(2, 4),
        new DrafterAligned(2, 0.08, 0.6),
        new RegisterRolloutNode(ClusterProtocol.Version, "akka.tcp://rlspec@127.0.0.1:4100", 2, new PolicyConfig(20, HiddenSize: 32, NumLayers: 2),
            new Dictionary<string, string> { ["rollout.group_size"] = "8", ["seed"] = "1" }),
        new RolloutNodeAccepted(BlobStore.SetupKey, 3),
        new RolloutNodeRefused("model shape differs"),
        new RolloutNodeReady(3),
        new NodeWeightsLoaded(4, 4_282_400),
        new RolloutNodeFailed(new RemoteFailure("CheckpointFormatException", "missing tensor")),
        new RunFinished(true, ""),
        new RunFinishedAck("akka.tcp://rlspec@127.0.0.1:4100"),
        new FinishRun(false, "stage failed"),
        new FetchBlob("weights-v4"),
        new BlobManifest("weights-v4", 3_000_000, 1 << 20, [1, 2, 3, 255]),
        new BlobUnavailable("weights-v1"),
        new FetchBlobChunk("weights-v4", 2),
        new BlobChunk("weights-v4", 2, [0, 1, 2, 254, 255]),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_pipeline_message_survives_its_messagepack_wire_format(IPipelineMessage message)
    {
        var bytes = MessagePackSerializer.Serialize(message.GetType(), message, MessagePackMessageSerializer.Options);

        var back = MessagePackSerializer.Deserialize(message.GetType(), bytes, MessagePackMessageSerializer.Options);

        back.Should().BeOfType(message.GetType()).And.BeEquivalentTo(message, o => o.RespectingRuntimeTypes().WithStrictOrdering());
    }

    [Fact]
    public void Bytes_that_name_a_type_outside_the_pipeline_messages_are_refused_unread()
    {
        using var system = Akka.Actor.ActorSystem.Create("serializer-test");
        var serializer = new MessagePackMessageSerializer((Akka.Actor.ExtendedActorSystem)system);
        var bytes = serializer.ToBinary(new LoadWeights(4));

        serializer.Manifest(new LoadWeights(4)).Should().Be(nameof(LoadWeights));
        serializer.FromBinary(bytes, nameof(LoadWeights)).Should().Be(new LoadWeights(4));
        var act = () => serializer.FromBinary(bytes, "System.Diagnostics.Process, System.Diagnostics.Process");
        act.Should().Throw<System.Runtime.Serialization.SerializationException>().WithMessage("*unknown type*not a pipeline message*");
        ((Action)(() => serializer.Manifest("a string"))).Should().Throw<System.Runtime.Serialization.SerializationException>();
    }

    [Fact]
    public void The_examples_cover_every_message_type()
    {
        var all = typeof(IPipelineMessage).Assembly.GetTypes().Where(t => t.IsClass && typeof(IPipelineMessage).IsAssignableFrom(t));

        Messages().Cast<object[]>().Select(row => row[0].GetType()).Should().BeEquivalentTo(all);
    }
}
