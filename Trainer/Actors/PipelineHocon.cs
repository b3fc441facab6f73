using Akka.Configuration;

namespace RlSpec.Trainer.Actors;

/// <summary>The pipeline's actor-system configuration.</summary>
public static class PipelineHocon
{
    /// <summary>
    /// Stage actors and rollout workers block for whole forward/backward passes, so each gets a thread of its own
    /// (pinned dispatcher) instead of starving the shared pool the coordinator runs on. Pipeline messages serialize with
    /// MessagePack; <paramref name="serializeMessages"/> forces that for local sends too (tests).
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
              "/coordinator/*" { dispatcher = rlspec-compute }
              "/coordinator/rollout-pool/*" { dispatcher = rlspec-compute }
            }
          }
        }
        rlspec-compute { type = PinnedDispatcher }
        """);
}
