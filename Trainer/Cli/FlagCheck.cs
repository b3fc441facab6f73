using System.CommandLine;
using System.CommandLine.Parsing;
using RlSpec.Trainer.Config;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// Turns the parser's complaints into one line each. An unknown flag is named as a flag (System.CommandLine reports the
/// flag and its value as two stray arguments, and a command with an optional CONFIG argument would read a lone
/// <c>--stepz</c> as a config path).
/// </summary>
public static class FlagCheck
{
    /// <summary>The first problem with the command line, or null when it parsed cleanly.</summary>
    public static string? Problem(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var name = string.Join(' ', Path(parse.CommandResult));
        var flag = parse.UnmatchedTokens.FirstOrDefault(IsFlag)
            ?? parse.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value).FirstOrDefault(IsFlag);
        if (flag is not null)
        {
            var known = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).ToList();
            var suggestion = known.Count == 0 ? "" : $"; did you mean {ConfigSchema.Nearest(flag.Split('=')[0], known)}?";
            return $"unknown flag {flag.Split('=')[0]} for `{name}`{suggestion} (`{name} --help` lists its flags)";
        }

        return parse.Errors.Count == 0 ? null : $"{parse.Errors[0].Message} (`{name} --help` lists its arguments and flags)";
    }

    private static bool IsFlag(string token) => token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2;

    private static IEnumerable<string> Path(SymbolResult? result)
    {
        var names = new Stack<string>();
        for (; result is not null; result = result.Parent)
        {
            if (result is CommandResult c)
            {
                names.Push(c.Command is RootCommand ? "rlspec" : c.Command.Name);
            }
        }

        return names;
    }
}
