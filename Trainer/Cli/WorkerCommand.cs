using System.CommandLine;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Trainer.Cluster;
using RlSpec.Trainer.Config;

namespace RlSpec.Trainer.Cli;

/// <summary><c>rlspec worker --join HOST:PORT</c>: a rollout node of a cluster run (see <see cref="RolloutNodeHost"/>).</summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var join = new Option<string>("--join") { Description = "The trainer node to join, HOST:PORT (its cluster.hostname and cluster.port)", Required = true };
        var hostname = new Option<string>("--hostname")
        {
            Description = "Address this node binds and advertises (use this machine's network address when the trainer is on another host)",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = new Option<int>("--port") { Description = "TCP port of this node (0 = any free one)", DefaultValueFactory = _ => 0 };
        var workers = new Option<int>("--workers") { Description = "Rollout workers on this node, each with its own replica and thread", DefaultValueFactory = _ => 1 };
        var config = new Option<string?>("--config")
        {
            Description = "The run config this node expects: the trainer refuses the node if its config or model shape (model.checkpoint's config.json) differs",
        };
        var sets = new Option<string[]>("--set") { Description = "Override a key of --config (repeatable)", AllowMultipleArgumentsPerToken = false };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("worker", "Run a rollout node: join a trainer started with a cluster: section and generate its rollouts.")
        {
            join, hostname, port, workers, config, sets, device, threads,
        };
        command.SetAction(parse =>
        {
            if (!HostPort.TryParse(parse.GetValue(join), out var trainer))
            {
                throw new ArgumentException($"--join '{parse.GetValue(join)}': expected HOST:PORT of the trainer node, e.g. 127.0.0.1:4053.");
            }

            var count = parse.GetValue(workers);
            if (count is < 1 or > 64)
            {
                throw new ArgumentException($"--workers must be in 1..64, got {count}.");
            }

            var (model, expected) = Expectations(parse.GetValue(config), parse.GetValue(sets) ?? []);
            // Each worker computes on a thread of its own, so auto threads are shared among them.
            var resolved = RuntimeSetup.Apply(parse.GetValue(device)!, parse.GetValue(threads), count);
            var log = ConsoleLog.For("worker");
            RolloutNodeHost.Run(trainer, parse.GetValue(hostname)!, parse.GetValue(port), (outcome, compute) =>
                new RolloutNodeSettings(count, resolved, model, expected, compute, outcome, log), log);
            return 0;
        });
        return command;
    }

    /// <summary>The model shape and config a node started with <c>--config</c> expects the trainer to run.</summary>
    private static (PolicyConfig? Model, IReadOnlyDictionary<string, string>? Config) Expectations(string? path, string[] overrides)
    {
        if (path is null)
        {
            return overrides.Length > 0 ? throw new ArgumentException("--set needs --config (it overrides keys of the expected config).") : (null, null);
        }

        var config = ConfigLoader.Load(path, overrides);
        var model = config.Model.Checkpoint is { } checkpoint ? HfModelConfig.Read(Path.Combine(checkpoint, "config.json")) : null;
        return (model, NodeAdmission.Flatten(config));
    }
}
