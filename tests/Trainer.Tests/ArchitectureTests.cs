using System.Reflection;
using FluentAssertions;
using Xunit;

namespace RlSpec.Trainer.Tests;

/// <summary>Dependencies point one way: Policy ← Drafter ← Rollout ← Trainer.</summary>
public sealed class ArchitectureTests
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
}
