using Akka.Configuration;

namespace RlSpec.Trainer.Actors;

/// <summary>The pipeline's actor-system configuration.</summary>
public static class PipelineHocon
{
    /// <summary>
    /// Rollout workers of the async pipeline block for whole chunks on their own threads (pinned dispatcher), so they
    /// cannot starve the shared pool the other actors use; everything else hands its tensor work to the
    /// <see cref="HostThread"/>. Pipeline messages serialize with MessagePack; <paramref name="serializeMessages"/>
    /// forces that for local sends too (tests).
    /// </summary>
    public static Akka.Configuration.Config Create(bool serializeMessages = false) => ConfigurationFactory.ParseString($$"""
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          actor {
            serialize-messages = {{(serializeMessages ? "on" : "off")}}
            serializers.msgpack = "{{typeof(MessagePackMessageSerializer).AssemblyQualifiedName}}"
            serialization-bindings { "{{typeof(IPipelineMessage).AssemblyQualifiedName}}" = msgpack }
            deployment {
              "/coordinator/rollout-pool/*" { dispatcher = rlspec-rollout }
            }
          }
        }
        rlspec-rollout { type = PinnedDispatcher }
        """);
}
