using System.Globalization;
using System.Reflection;
using RlSpec.Policy.Model;
using RlSpec.Trainer.Config;
using YamlDotNet.Serialization.NamingConventions;

namespace RlSpec.Trainer.Cluster;

/// <summary>
/// Whether the trainer takes a rollout node on: same protocol version, and, when the node says what it expects, the same
/// model shape and the same config. Keys that are naturally per machine (device, threads, paths, logging, the cluster
/// section) are not compared.
/// </summary>
public static class NodeAdmission
{
    private static readonly string[] PerMachine = ["model.device", "model.threads", "model.checkpoint", "task.dataset", "logging.", "cluster."];

    /// <summary>Null when the node is welcome, else one line saying what differs.</summary>
    public static string? Refusal(RegisterRolloutNode request, PolicyConfig model, RunConfig config)
    {
        if (request.Protocol != ClusterProtocol.Version)
        {
            return $"protocol version {request.Protocol} differs from the trainer's {ClusterProtocol.Version}: run the same rlspec build on every node.";
        }

        if (request.Model is { } expected && expected != model)
        {
            var differences = typeof(PolicyConfig).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => !Equals(p.GetValue(expected), p.GetValue(model)))
                .Select(p => $"{p.Name} {Text(p.GetValue(model))} vs {Text(p.GetValue(expected))}");
            return $"model shape differs from the trainer's (trainer vs worker): {string.Join(", ", differences)}.";
        }

        if (request.Config is { } theirs)
        {
            var ours = Flatten(config);
            var differences = ours.Keys.Union(theirs.Keys).Order(StringComparer.Ordinal)
                .Where(k => ours.GetValueOrDefault(k) != theirs.GetValueOrDefault(k))
                .Select(k => $"{k} {ours.GetValueOrDefault(k) ?? "(unset)"} vs {theirs.GetValueOrDefault(k) ?? "(unset)"}")
                .ToList();
            if (differences.Count > 0)
            {
                return $"config differs from the trainer's (trainer vs worker): {string.Join(", ", differences)}.";
            }
        }

        return null;
    }

    /// <summary>A config as <c>section.key → value</c> (snake_case, invariant culture), per-machine keys left out.</summary>
    public static IReadOnlyDictionary<string, string> Flatten(RunConfig config)
    {
        var flat = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, type) in ConfigSchema.Keys(typeof(RunConfig)))
        {
            var value = Property(typeof(RunConfig), key).GetValue(config);
            if (ConfigSchema.IsSection(type))
            {
                foreach (var child in ConfigSchema.Keys(type).Keys)
                {
                    flat[$"{key}.{child}"] = Text(Property(type, child).GetValue(value));
                }
            }
            else
            {
                flat[key] = Text(value);
            }
        }

        return flat.Where(kv => !PerMachine.Any(p => p.EndsWith('.') ? kv.Key.StartsWith(p, StringComparison.Ordinal) : kv.Key == p))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static PropertyInfo Property(Type type, string snake) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Single(p => UnderscoredNamingConvention.Instance.Apply(p.Name) == snake);

    private static string Text(object? value) => value switch
    {
        null => "null",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list => string.Join(",", list.Cast<object?>().Select(Text)),
        _ => value.ToString() ?? "",
    };
}
