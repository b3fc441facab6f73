using Akka.Actor;
using Akka.Serialization;
using MessagePack;
using MessagePack.Resolvers;

namespace RlSpec.Trainer.Actors;

/// <summary>
/// Akka serializer for <see cref="IPipelineMessage"/>s: MessagePack, contractless (records are written by property
/// name and rebuilt through their constructors), the type carried in Akka's manifest. Bound in
/// <see cref="PipelineHocon"/>; with <c>serialize-messages = on</c> every local message goes through it, which is how
/// the tests prove the pipeline could be split across processes.
/// </summary>
public sealed class MessagePackMessageSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public static readonly MessagePackSerializerOptions Options = ContractlessStandardResolver.Options;

    public override int Identifier => 7401;

    public override bool IncludeManifest => true;

    public override byte[] ToBinary(object obj) => MessagePackSerializer.Serialize(obj.GetType(), obj, Options);

    public override object FromBinary(byte[] bytes, Type type) =>
        MessagePackSerializer.Deserialize(type ?? throw new ArgumentNullException(nameof(type), "pipeline messages need their type manifest"), bytes, Options)
        ?? throw new InvalidDataException($"empty {type.Name} message");
}
