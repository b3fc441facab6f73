using FluentAssertions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace RlSpec.Trainer.Tests;

/// <summary>
/// BannedSymbols.txt turns TorchSharp's temporary-Scalar calls into compile errors (see TensorArithmetic). Two ways it
/// could pass silently: an entry whose ID names nothing (a typo, or a TorchSharp upgrade that renamed the member) bans
/// nothing, and the analyzer does not look at compound assignments: <c>loss += kl</c> calls the banned
/// <c>operator +</c> unseen. These bind the file's IDs and every source and test file against TorchSharp.
/// </summary>
public sealed class BannedTensorApiTests
{
    private static readonly string[] Projects = ["Policy", "Drafter", "Rollout", "Trainer", "tests"];

    [Fact]
    public void No_compound_assignment_in_the_sources_calls_a_banned_tensor_operator()
    {
        var sources = Projects
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(RepoRoot.Path, f), File.ReadAllText);
        sources.Should().HaveCountGreaterThan(100);

        BannedCompoundAssignments(sources).Should().BeEmpty();
    }

    [Fact]
    public void Every_banned_symbol_names_a_TorchSharp_member()
    {
        var compilation = Compile(new Dictionary<string, string>());
        var unresolved = BannedIds().Where(id => DocumentationCommentId.GetSymbolsForDeclarationId(id, compilation).IsEmpty).ToList();

        BannedIds().Should().HaveCountGreaterThan(50);
        unresolved.Should().BeEmpty();
    }

    [Fact]
    public void The_check_finds_a_banned_compound_assignment_and_passes_the_safe_form()
    {
        const string Code = """
            using static TorchSharp.torch;
            public static class Sample
            {
                public static Tensor Unsafe(Tensor loss, Tensor kl) { loss += kl; loss *= 2.0; return loss; }
                public static Tensor Safe(Tensor loss, Tensor kl, int n) { loss = loss - kl; loss *= kl; n += 1; return loss; }
            }
            """;

        BannedCompoundAssignments(new Dictionary<string, string> { ["Sample.cs"] = Code })
            .Should().Equal("Sample.cs:4 loss += kl", "Sample.cs:4 loss *= 2.0");
    }

    /// <summary>"file:line code" for each compound assignment whose operator BannedSymbols.txt lists.</summary>
    private static List<string> BannedCompoundAssignments(IReadOnlyDictionary<string, string> sources)
    {
        var banned = BannedIds().ToHashSet(StringComparer.Ordinal);
        var compilation = Compile(sources);
        var found = new List<string>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var assignment in tree.GetRoot().DescendantNodes().OfType<AssignmentExpressionSyntax>().Where(a => !a.IsKind(SyntaxKind.SimpleAssignmentExpression) && !a.IsKind(SyntaxKind.CoalesceAssignmentExpression)))
            {
                var line = $"{tree.FilePath}:{assignment.GetLocation().GetLineSpan().StartLinePosition.Line + 1} {assignment}";
                switch (model.GetSymbolInfo(assignment).Symbol)
                {
                    case IMethodSymbol op when banned.Contains(op.OriginalDefinition.GetDocumentationCommentId() ?? ""):
                        found.Add(line);
                        break;
                    case null:
                        found.Add(line + " (not bound: the check cannot tell)");
                        break;
                }
            }
        }

        return found;
    }

    private static List<string> BannedIds() =>
        [.. File.ReadAllLines(Path.Combine(RepoRoot.Path, "BannedSymbols.txt")).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(';')[0])];

    /// <summary><paramref name="sources"/> bound against the assemblies the test host loads, TorchSharp among them, but not
    /// RlSpec's own, whose types the sources declare.</summary>
    private static CSharpCompilation Compile(IReadOnlyDictionary<string, string> sources)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Value, path: s.Key)).Append(CSharpSyntaxTree.ParseText(GlobalUsings));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).StartsWith("RlSpec.", StringComparison.OrdinalIgnoreCase) && Path.GetFileName(p) != "rlspec.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create("Sources", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    }

    /// <summary>The projects' implicit usings and the one Directory.Build.props adds.</summary>
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using RlSpec.Policy.Tensors;
        """;
}
