using System.Reflection;
using YamlDotNet.Serialization.NamingConventions;

namespace RlSpec.Trainer.Config;

/// <summary>
/// The YAML keys <see cref="RunConfig"/> accepts, read off its properties, so the schema can never drift from the
/// types: strict checking of unknown keys (with the nearest valid key suggested) and of value types.
/// </summary>
public static class ConfigSchema
{
    /// <summary>Child keys of a section type, snake_case, with their property types.</summary>
    public static IReadOnlyDictionary<string, Type> Keys(Type section) =>
        section.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => UnderscoredNamingConvention.Instance.Apply(p.Name), p => p.PropertyType);

    public static bool IsSection(Type type) => type.IsClass && type != typeof(string) && type.Namespace == typeof(RunConfig).Namespace;

    /// <summary>The valid key closest to <paramref name="key"/> by edit distance.</summary>
    public static string Nearest(string key, IEnumerable<string> candidates) =>
        candidates.OrderBy(c => Distance(key, c)).ThenBy(c => c, StringComparer.Ordinal).First();

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
