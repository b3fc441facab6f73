using System.CommandLine;
using FluentAssertions;
using RlSpec.Trainer.Cli;
using Xunit;
using static RlSpec.Trainer.Tests.Cli.ConsoleCapture;

namespace RlSpec.Trainer.Tests.Cli;

[Collection("console")]
public sealed class CliFlagTests
{
    /// <summary>Commands that never compute with libtorch in this process: inspect reads file headers, bench load times a child,
    /// alignment-plot re-renders saved results, report reads run directories.</summary>
    private static readonly string[] WithoutRuntime = ["inspect", "load", "alignment-plot", "report"];

    private static IEnumerable<Command> Leaves(Command command) =>
        command.Subcommands.Count == 0 ? [command] : command.Subcommands.Where(c => !c.Hidden).SelectMany(Leaves);

    [Theory]
    [InlineData("train", "--stepz", "3")]
    [InlineData("train", "--stepz")]
    [InlineData("sft", "--stepz", "3")]
    [InlineData("quickstart", "--stepz")]
    public void An_unknown_flag_is_reported_by_name_and_never_read_as_a_value_or_a_config_path(params string[] args)
    {
        var (code, error) = Run(args);

        code.Should().Be(2);
        error.Trim().Should().StartWith($"error: unknown flag --stepz for `rlspec {args[0]}`").And.NotContain("\n").And.NotContain("config file not found");
    }

    [Fact]
    public void Every_command_that_computes_takes_device_and_threads_as_the_readme_says()
    {
        var leaves = Leaves(CliApp.Root()).Where(c => !WithoutRuntime.Contains(c.Name)).ToList();

        leaves.Should().Contain(c => c.Name == "train").And.Contain(c => c.Name == "quickstart").And.Contain(c => c.Name == "sweep");
        foreach (var command in leaves)
        {
            command.Options.Select(o => o.Name).Should().Contain(["--device", "--threads"], $"`{command.Name}` computes with libtorch");
        }

        File.ReadAllText(Path.Combine(RepoRoot.Path, "README.md")).Should().Contain("Every command except `inspect`, `bench load`, `report` and `experiment alignment-plot` takes `--device");
    }

    [Theory]
    [InlineData("train", "--device", "cpu", "--threads", "1")]
    [InlineData("train", "--resume", "runs/x", "--device", "cpu", "--threads", "1")]
    [InlineData("quickstart", "--device", "cpu", "--threads", "1", "--set", "trainer.steps=2")]
    public void Train_and_quickstart_accept_device_and_threads(params string[] args) =>
        FlagCheck.Problem(CliApp.Root().Parse(args)).Should().BeNull();
}
