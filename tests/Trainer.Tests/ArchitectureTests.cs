using System.Reflection;
using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;

namespace RlSpec.Trainer.Tests;

/// <summary>Dependencies point one way: Policy ← Drafter ← Rollout ← Trainer, and inside Trainer the command line sits on top.</summary>
public sealed partial class ArchitectureTests
{
    private static readonly string[] Layers = ["RlSpec.Policy", "RlSpec.Drafter", "RlSpec.Rollout", "rlspec"];

    [Fact]
    public void Each_project_references_only_the_layers_below_it()
    {
        for (var i = 0; i < Layers.Length; i++)
        {
            var references = Assembly.Load(Layers[i]).GetReferencedAssemblies().Select(a => a.Name).ToHashSet();
            foreach (var above in Layers.Skip(i + 1))
            {
                references.Should().NotContain(above, $"{Layers[i]} sits below {above}");
            }
        }
    }

    [Fact]
    public void Policy_does_not_depend_on_actors_or_the_command_line()
    {
        var references = Assembly.Load("RlSpec.Policy").GetReferencedAssemblies().Select(a => a.Name!).ToList();
        references.Should().NotContain(n => n.StartsWith("Akka", StringComparison.Ordinal) || n.StartsWith("System.CommandLine", StringComparison.Ordinal));
    }

    [Fact]
    public void Nothing_in_the_trainer_below_the_command_line_imports_it()
    {
        var trainer = Path.Combine(RepoRoot.Path, "Trainer");
        var offenders = Directory.EnumerateFiles(trainer, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(f) && !f.StartsWith(Path.Combine(trainer, "Cli") + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && Path.GetFileName(f) != "Program.cs")
            .Where(f => CliReference().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(RepoRoot.Path, f))
            .ToList();

        offenders.Should().BeEmpty("the command line sits on top of Trainer/: what it shares with lower folders lives in them");
    }

    [Fact]
    public void The_readme_layout_table_has_a_row_for_every_source_folder_and_names_only_types_that_exist()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot.Path, "README.md"));
        var start = readme.IndexOf("## Layout", StringComparison.Ordinal);
        var layout = readme[start..readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];
        var folders = new[] { "Policy", "Drafter", "Rollout", "Trainer" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !IsBuildOutput(f))
            .Select(f => Path.GetRelativePath(RepoRoot.Path, Path.GetDirectoryName(f)!).Replace('\\', '/'))
            .Where(d => d.Contains('/', StringComparison.Ordinal))
            .Distinct()
            .ToList();
        folders.Should().OnlyContain(d => layout.Contains($"`{d}`", StringComparison.Ordinal), "every source folder has a row in the layout table");

        var types = Layers.SelectMany(a => Assembly.Load(a).GetTypes()).Select(t => t.Name.Split('`')[0]).ToHashSet();
        var named = TypeName().Matches(layout).Select(m => m.Groups[1].Value).Distinct().ToList();
        named.Should().NotBeEmpty();
        named.Where(n => !types.Contains(n)).Should().BeEmpty("the layout table names only types that exist");
    }

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    [GeneratedRegex(@"\bRlSpec\.Trainer\.Cli\b|\bCli\.[A-Z]")]
    private static partial Regex CliReference();

    [GeneratedRegex(@"`([A-Z][a-z][A-Za-z0-9]*)`")]
    private static partial Regex TypeName();
}
