using System.Collections.Frozen;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using MessagePack;
using MessagePack.Resolvers;

namespace RlSpec.Trainer.Actors;

/// <summary>
/// Akka serializer for <see cref="IPipelineMessage"/>s: MessagePack, contractless (records are written by property
/// name and rebuilt through their constructors). The manifest is the message type's name, looked up in the closed set
/// of pipeline message types: bytes from another node that name any other type are refused before a byte of them is
/// read, so a peer cannot make this process build objects of its choosing. Bound in <see cref="PipelineHocon"/>; with
/// <c>serialize-messages = on</c> every local message goes through it too (the tests' proof of the wire format).
/// </summary>
public sealed class MessagePackMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Untrusted-data mode: hash-flooding-safe maps and a depth limit on what a peer sends.</summary>
    public static readonly MessagePackSerializerOptions Options = ContractlessStandardResolver.Options.WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>Every concrete pipeline message type by manifest (its name; names are unique, checked here).</summary>
    public static readonly FrozenDictionary<string, Type> Known = typeof(IPipelineMessage).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPipelineMessage).IsAssignableFrom(t))
        .ToFrozenDictionary(t => t.Name);

    public override int Identifier => 7401;

    public override string Manifest(object o) => Known.TryGetValue(o.GetType().Name, out var type) && type == o.GetType()
        ? type.Name
        : throw new SerializationException($"{o.GetType().FullName} is not a pipeline message; only IPipelineMessage records cross the wire.");

    public override byte[] ToBinary(object obj) => MessagePackSerializer.Serialize(obj.GetType(), obj, Options);

    public override object FromBinary(byte[] bytes, string manifest) =>
        !Known.TryGetValue(manifest, out var type)
            ? throw new SerializationException($"refused a message of unknown type '{manifest}' ({bytes.Length} bytes): not a pipeline message of this build.")
            : MessagePackSerializer.Deserialize(type, bytes, Options) ?? throw new SerializationException($"empty {manifest} message");
}
