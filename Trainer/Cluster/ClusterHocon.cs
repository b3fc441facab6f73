using System.Globalization;
using Akka.Configuration;
using RlSpec.Trainer.Config;

namespace RlSpec.Trainer.Cluster;

/// <summary>
/// Actor-system configuration of a cluster node, layered over <see cref="Actors.PipelineHocon"/>. Frames are raised so a
/// step chunk's rollouts fit in one message (weights travel in <see cref="BlobStore.DefaultChunkBytes"/> chunks). Downing:
/// the trainer downs an unreachable rollout node at once (its chunks are dealt again anyway); the split-brain resolver
/// keeps the oldest node, the trainer, so a rollout node cut off from it downs itself and its worker process joins
/// again — it never downs a trainer left alone.
/// </summary>
public static class ClusterHocon
{
    public static Akka.Configuration.Config Trainer(ClusterSection cluster)
    {
        var self = new HostPort(cluster.Hostname, cluster.Port);
        return Node(self, ClusterProtocol.TrainerRole, cluster.SeedNodes.Count == 0 ? [self] : cluster.SeedNodes.Select(Parse).ToList());
    }

    /// <param name="port">0 = any free port (what a worker normally uses).</param>
    public static Akka.Configuration.Config RolloutNode(string hostname, int port, HostPort join) =>
        Node(new HostPort(hostname, port), ClusterProtocol.RolloutRole, [join]);

    public static string Address(HostPort node) => string.Create(CultureInfo.InvariantCulture, $"akka.tcp://{ClusterProtocol.SystemName}@{node}");

    private static HostPort Parse(string text) => HostPort.TryParse(text, out var parsed) ? parsed : throw new ConfigException($"config: 'cluster.seed_nodes' entry '{text}' is not HOST:PORT.");

    private static Akka.Configuration.Config Node(HostPort self, string role, IReadOnlyList<HostPort> seeds) => ConfigurationFactory.ParseString($$"""
        akka {
          # Join retries while the trainer is not up yet, and association failures after a node was killed, are expected
          # here and reported by the nodes' own lines; Akka's errors still print.
          loglevel = ERROR
          stdout-loglevel = ERROR
          actor.provider = cluster
          remote {
            log-remote-lifecycle-events = off
            dot-netty.tcp {
              hostname = "{{self.Host}}"
              port = {{self.Port}}
              maximum-frame-size = 33554432b
              send-buffer-size = 4194304b
              receive-buffer-size = 4194304b
              # Batching waits up to its flush interval to fill a batch: a request/answer protocol (chunks, work) pays
              # that wait on every round trip.
              batching.enabled = false
            }
          }
          cluster {
            roles = [{{role}}]
            seed-nodes = [{{string.Join(", ", seeds.Select(s => $"\"{Address(s)}\""))}}]
            log-info = off
            downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            split-brain-resolver {
              active-strategy = keep-oldest
              stable-after = 5s
              keep-oldest.down-if-alone = off
            }
          }
          actor.deployment {
            "/rollout-node/*" { dispatcher = rlspec-rollout }
          }
        }
        """);
}
