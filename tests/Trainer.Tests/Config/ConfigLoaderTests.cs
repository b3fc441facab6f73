using FluentAssertions;
using RlSpec.Policy.Runtime;
using RlSpec.Trainer.Cli;
using RlSpec.Trainer.Config;
using Xunit;

namespace RlSpec.Trainer.Tests.Config;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-config-").FullName;

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void A_config_inherits_its_defaults_and_dotted_overrides_win_over_both()
    {
        Write("base.yaml", "seed: 3\nrollout:\n  group_size: 4\n  temperature: 0.7\n");
        var path = Write("run.yaml", "defaults: base.yaml\nrollout:\n  group_size: 6\n");

        var config = ConfigLoader.Load(path, ["trainer.steps=7", "speculation.drafter=ngram"]);

        config.Seed.Should().Be(3);
        config.Rollout.GroupSize.Should().Be(6);
        config.Rollout.Temperature.Should().Be(0.7);
        config.Trainer.Steps.Should().Be(7);
        config.Speculation.Drafter.Should().Be("ngram");
        config.Rollout.MaxNewTokens.Should().Be(new RolloutSection().MaxNewTokens, "unset keys keep their defaults");
    }

    [Fact]
    public void A_commands_own_defaults_lie_beneath_the_file_and_the_overrides()
    {
        var path = Write("mine.yaml", "model:\n  preset: tiny\n");
        string[] underlay = ["model.preset=deep", "trainer.steps=30"];

        ConfigLoader.Load(null, [], underlay).Model.Preset.Should().Be("deep");
        var config = ConfigLoader.Load(path, ["trainer.steps=5"], underlay);
        config.Model.Preset.Should().Be("tiny", "the file sets it");
        config.Trainer.Steps.Should().Be(5, "an override wins over the command's default");
        ConfigLoader.Load(path, [], underlay).Trainer.Steps.Should().Be(30, "the file leaves it to the command");
    }

    [Fact]
    public void A_base_file_named_in_defaults_also_lies_above_the_commands_defaults()
    {
        Write("base.yaml", "trainer:\n  steps: 7\n");
        var path = Write("child.yaml", "defaults: base.yaml\nseed: 4\n");

        var config = ConfigLoader.Load(path, [], ["trainer.steps=30", "seed=9"]);

        config.Trainer.Steps.Should().Be(7);
        config.Seed.Should().Be(4);
    }

    [Fact]
    public void The_quickstart_runs_the_deep_preset_with_a_300_step_head_on_every_core_unless_told_otherwise()
    {
        var config = QuickstartCommand.Load(null, []);
        config.Model.Preset.Should().Be("deep");
        config.Drafter.PretrainSteps.Should().Be(300);
        config.Model.Threads.Should().Be(TorchThreads.AllCores);
        config.Trainer.Steps.Should().Be(30);

        QuickstartCommand.Load(null, ["model.threads=1"]).Model.Threads.Should().Be(1);
        var mine = QuickstartCommand.Load(Write("mine.yaml", "model:\n  preset: tiny\n"), []);
        mine.Model.Preset.Should().Be("tiny", "a config file passed to the quickstart wins over its defaults");
        mine.Drafter.PretrainSteps.Should().Be(300, "keys the file leaves unset keep the quickstart's defaults");
    }

    [Fact]
    public void The_saved_resolved_config_loads_back_to_the_same_config()
    {
        var config = ConfigLoader.Load(null, ["rollout.temperature=0.7", "model.checkpoint=/tmp/x"]);
        var again = ConfigLoader.Load(Write("resolved.yaml", ConfigLoader.ToYaml(config)), []);
        again.Should().BeEquivalentTo(config);
    }

    [Theory]
    [InlineData("rollout:\n  group_sise: 4\n", "*unknown key 'rollout.group_sise'; did you mean 'rollout.group_size'*")]
    [InlineData("trainr:\n  steps: 4\n", "*unknown key 'trainr'; did you mean 'trainer'*")]
    [InlineData("rollout:\n  group_size: four\n", "*'rollout.group_size' must be an integer, got 'four'*")]
    [InlineData("rollout:\n  group_size: 1\n", "*'rollout.group_size' must be in 2..1024, got 1*")]
    [InlineData("speculation:\n  drafter: medusa\n", "*'speculation.drafter' must be one of eagle, chunk, mtp, draft-model, ngram, random; got 'medusa'*")]
    [InlineData("rollout: 5\n", "*'rollout' must be a section*")]
    [InlineData("rollout:\n  temperature: 0\n", "*'rollout.temperature' must be in (0, 10] for training, got 0 (0 = greedy makes a group's samples identical*")]
    [InlineData("rollout:\n  top_p: 0.9\n", "*'rollout.top_p' must be 1.0 for training, got 0.9*")]
    [InlineData("model:\n  threads: -2\n", "*'model.threads' must be a count in 1..1024, 0 (auto: physical cores less one) or -1 (every physical core); got -2*")]
    [InlineData("rollout:\n  top_k: 8\n", "*'rollout.top_k' must be 0 for training, got 8*")]
    [InlineData("trainer:\n  recompute_logprobs: sometimes\n", "*'trainer.recompute_logprobs' must be one of auto, always; got 'sometimes'*")]
    [InlineData("rollout:\n  group_size: [1\n", "*invalid YAML at line*")]
    public void Bad_configs_fail_naming_the_file_the_key_and_what_was_expected(string yaml, string message)
    {
        var path = Write("bad.yaml", yaml);
        var act = () => ConfigLoader.Load(path, []);
        act.Should().Throw<ConfigException>().WithMessage(message);
    }

    [Fact]
    public void Bad_overrides_and_missing_files_fail_clearly()
    {
        ((Action)(() => ConfigLoader.Load(null, ["rollout.group_size"]))).Should().Throw<ConfigException>().WithMessage("*expected key=value*");
        ((Action)(() => ConfigLoader.Load(null, ["rollout.temprature=1"]))).Should().Throw<ConfigException>().WithMessage("*did you mean 'rollout.temperature'*");
        ((Action)(() => ConfigLoader.Load(Path.Combine(_dir, "none.yaml"), []))).Should().Throw<ConfigException>().WithMessage("*none.yaml: config file not found*");
    }

    [Fact]
    public void Without_a_cluster_section_a_run_is_one_process_and_the_section_reads_from_yaml_and_overrides()
    {
        ConfigLoader.Load(null, []).Cluster.Should().BeEquivalentTo(new ClusterSection());
        new ClusterSection().Enabled.Should().BeFalse();
        new ClusterSection().Hostname.Should().Be("127.0.0.1", "nodes stay on this machine unless told otherwise");

        var path = Write("cluster.yaml", "cluster:\n  enabled: true\n  hostname: 10.0.0.5\n  seed_nodes: [10.0.0.5:4053, 10.0.0.6:4053]\n  min_rollout_nodes: 2\n");
        var config = ConfigLoader.Load(path, ["cluster.join_timeout_s=30"]);

        config.Cluster.Should().BeEquivalentTo(new ClusterSection
        {
            Enabled = true,
            Hostname = "10.0.0.5",
            SeedNodes = ["10.0.0.5:4053", "10.0.0.6:4053"],
            MinRolloutNodes = 2,
            JoinTimeoutS = 30,
        });
        ConfigLoader.Load(null, ["cluster.seed_nodes=a:1,b:2"]).Cluster.SeedNodes.Should().Equal("a:1", "b:2");
        ConfigLoader.Load(Write("again.yaml", ConfigLoader.ToYaml(config)), []).Should().BeEquivalentTo(config);
    }

    [Theory]
    [InlineData("cluster.seed_nodes=10.0.0.5", "*'cluster.seed_nodes' must list HOST:PORT entries, got '10.0.0.5'*")]
    [InlineData("cluster.port=0", "*'cluster.port' must be in 1..65535, got 0*")]
    [InlineData("cluster.min_rollout_nodes=0", "*'cluster.min_rollout_nodes' must be in 1..10000*")]
    [InlineData("cluster.join_timout_s=5", "*did you mean 'cluster.join_timeout_s'*")]
    public void Bad_cluster_keys_fail_naming_the_key(string assignment, string message)
    {
        var act = () => ConfigLoader.Load(null, [assignment]);
        act.Should().Throw<ConfigException>().WithMessage(message);
    }

    [Fact]
    public void Every_committed_config_loads()
    {
        var configs = Directory.GetFiles(Path.Combine(RepoRoot.Path, "configs"), "*.yaml");
        configs.Should().NotBeEmpty();
        foreach (var path in configs)
        {
            var load = () => ConfigLoader.Load(path, []);
            load.Should().NotThrow(path);
        }

        ConfigLoader.Load(Path.Combine(RepoRoot.Path, "configs", "grpo-arithmetic-plain.yaml"), []).Speculation.Enabled.Should().BeFalse();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
