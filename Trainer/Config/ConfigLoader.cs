using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace RlSpec.Trainer.Config;

/// <summary>
/// Reads a run config: the command's own defaults (the quickstart's) → the YAML file over them, with its
/// <c>defaults:</c> base files merged underneath it (paths relative to the file, later ones win) → dotted
/// <c>--set key=value</c> overrides → strict key and type checks → typed
/// <see cref="RunConfig"/> → value checks. Every error names the file or override and the key.
/// </summary>
public static class ConfigLoader
{
    private const string DefaultsKey = "defaults";

    /// <param name="path">The YAML config; null = the built-in defaults.</param>
    /// <param name="overrides"><c>key=value</c> assignments over the file (<c>--set</c>, flags).</param>
    /// <param name="underlay"><c>key=value</c> defaults of the command beneath the file: a key the file (or a base file it
    /// names in <c>defaults:</c>) sets keeps the file's value, so <c>quickstart my.yaml</c> runs my.yaml's policy shape, and
    /// a file built on <c>configs/base.yaml</c>, which sets every key, replaces all of the command's defaults.</param>
    public static RunConfig Load(string? path, IReadOnlyList<string> overrides, IReadOnlyList<string>? underlay = null)
    {
        var tree = new Dictionary<string, object?>();
        foreach (var assignment in underlay ?? [])
        {
            ApplyOverride(tree, assignment);
        }

        if (path is not null)
        {
            Merge(tree, ReadWithDefaults(Path.GetFullPath(path), []));
        }

        foreach (var assignment in overrides)
        {
            ApplyOverride(tree, assignment);
        }

        Check(tree, typeof(RunConfig), path ?? "--set", prefix: "");
        var yaml = new SerializerBuilder().Build().Serialize(tree);
        var config = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Deserialize<RunConfig?>(yaml) ?? new RunConfig();
        return ConfigValidator.Validated(config);
    }

    /// <summary>The resolved config as YAML, as saved in the run directory.</summary>
    public static string ToYaml(RunConfig config) =>
        new SerializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Serialize(config);

    private static Dictionary<string, object?> ReadWithDefaults(string path, HashSet<string> visiting)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException($"{path}: config file not found.");
        }

        if (!visiting.Add(path))
        {
            throw new ConfigException($"{path}: 'defaults' chain includes itself.");
        }

        Dictionary<string, object?> tree;
        try
        {
            tree = Normalize(new DeserializerBuilder().Build().Deserialize<object?>(File.ReadAllText(path)), path) ?? [];
        }
        catch (YamlException e)
        {
            throw new ConfigException($"{path}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }

        var merged = new Dictionary<string, object?>();
        if (tree.Remove(DefaultsKey, out var defaults))
        {
            var bases = defaults switch
            {
                string one => [one],
                List<object?> many => many.Select(d => d as string ?? throw new ConfigException($"{path}: 'defaults' must list file paths.")).ToList(),
                _ => throw new ConfigException($"{path}: 'defaults' must be a file path or a list of them."),
            };
            foreach (var basePath in bases)
            {
                Merge(merged, ReadWithDefaults(Path.GetFullPath(basePath, Path.GetDirectoryName(path)!), visiting));
            }
        }

        Merge(merged, tree);
        visiting.Remove(path);
        return merged;
    }

    private static Dictionary<string, object?>? Normalize(object? node, string source) => node switch
    {
        null => null,
        Dictionary<object, object?> map => map.ToDictionary(kv => kv.Key as string ?? throw new ConfigException($"{source}: key {kv.Key} is not a string."), kv => NormalizeValue(kv.Value, source)),
        _ => throw new ConfigException($"{source}: the top level must be a mapping of sections."),
    };

    private static object? NormalizeValue(object? value, string source) => value switch
    {
        Dictionary<object, object?> => Normalize(value, source),
        List<object?> list => list.Select(v => NormalizeValue(v, source)).ToList(),
        _ => value,
    };

    private static void Merge(Dictionary<string, object?> target, Dictionary<string, object?> source)
    {
        foreach (var (key, value) in source)
        {
            if (value is Dictionary<string, object?> child && target.TryGetValue(key, out var existing) && existing is Dictionary<string, object?> into)
            {
                Merge(into, child);
            }
            else
            {
                target[key] = value;
            }
        }
    }

    private static void ApplyOverride(Dictionary<string, object?> tree, string assignment)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ConfigException($"--set '{assignment}': expected key=value with a dotted key, e.g. rollout.group_size=8.");
        }

        var path = assignment[..equals].Trim().Split('.');
        var node = tree;
        foreach (var part in path[..^1])
        {
            if (!node.TryGetValue(part, out var child) || child is not Dictionary<string, object?> map)
            {
                node[part] = map = new Dictionary<string, object?>();
            }

            node = map;
        }

        var text = assignment[(equals + 1)..].Trim();
        node[path[^1]] = text is "null" or "~" ? null : text;
    }

    private static void Check(Dictionary<string, object?> tree, Type section, string source, string prefix)
    {
        var keys = ConfigSchema.Keys(section);
        foreach (var (key, value) in tree.ToList())
        {
            var dotted = prefix + key;
            if (!keys.TryGetValue(key, out var type))
            {
                var nearest = ConfigSchema.Nearest(key, keys.Keys);
                throw new ConfigException($"{source}: unknown key '{dotted}'; did you mean '{prefix}{nearest}'? (valid here: {string.Join(", ", keys.Keys)})");
            }

            if (ConfigSchema.IsSection(type))
            {
                if (value is not Dictionary<string, object?> child)
                {
                    throw new ConfigException($"{source}: '{dotted}' must be a section of keys ({string.Join(", ", ConfigSchema.Keys(type).Keys)}).");
                }

                Check(child, type, source, dotted + ".");
            }
            else if (type == typeof(List<string>))
            {
                tree[key] = StringList(value, source, dotted);
            }
            else
            {
                CheckScalar(value, type, source, dotted);
            }
        }
    }

    /// <summary>A list key: a YAML list of single values, or (from <c>--set</c>) one comma-separated value.</summary>
    private static List<object?> StringList(object? value, string source, string key) => value switch
    {
        null => [],
        string text => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        List<object?> list => list.Select(v => v as string ?? throw new ConfigException($"{source}: '{key}' must list single values.")).Cast<object?>().ToList(),
        _ => throw new ConfigException($"{source}: '{key}' must be a list of values, not a section."),
    };

    private static void CheckScalar(object? value, Type type, string source, string key)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (value is null)
        {
            if (underlying is null && type.IsValueType)
            {
                throw new ConfigException($"{source}: '{key}' cannot be null.");
            }

            return;
        }

        var text = value as string ?? throw new ConfigException($"{source}: '{key}' must be a single value, not a {(value is List<object?> ? "list" : "section")}.");
        var target = underlying ?? type;
        var ok = target == typeof(string)
            || (target == typeof(int) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            || (target == typeof(double) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            || (target == typeof(bool) && bool.TryParse(text, out _));
        if (!ok)
        {
            var expected = target == typeof(int) ? "an integer" : target == typeof(double) ? "a number" : target == typeof(bool) ? "true or false" : target.Name;
            throw new ConfigException($"{source}: '{key}' must be {expected}, got '{text}'.");
        }
    }
}
