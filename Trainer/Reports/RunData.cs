using System.Globalization;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace RlSpec.Trainer.Reports;

/// <summary>One run directory as a report reads it: its resolved config (flattened to dotted keys), metrics, summary
/// and rollout-log summary. Loading checks everything first, so a bad directory fails before anything is written.</summary>
/// <param name="Name">The directory's name.</param>
/// <param name="Directory">Its path as given.</param>
/// <param name="Config">Flattened <c>config.yaml</c> (e.g. <c>speculation.enabled</c> → <c>true</c>); empty without one.</param>
/// <param name="Metrics">One row per step.</param>
/// <param name="AccuracyBefore">Greedy accuracy before training, from <c>summary.json</c> (null if not evaluated or not finished).</param>
/// <param name="AccuracyAfter">Greedy accuracy after training.</param>
/// <param name="Rollouts">Acceptance by position and sample count from <c>rollouts.msgpack</c> (empty without a log).</param>
public sealed record RunData(string Name, string Directory, IReadOnlyDictionary<string, string> Config, MetricsTable Metrics,
    double? AccuracyBefore, double? AccuracyAfter, RolloutLogSummary Rollouts)
{
    public const string MetricsFile = "metrics.csv";
    public const string RolloutFile = "rollouts.msgpack";

    /// <summary>Keys that differ between runs of one experiment repeated over seeds; ignored when grouping.</summary>
    public static readonly string[] SeedKeys = ["seed", "logging.run_dir"];

    public string? Seed => Config.GetValueOrDefault("seed");

    public bool Speculative => !Rollouts.Positions.IsEmpty
        || (Config.GetValueOrDefault("speculation.enabled") == "true" && Metrics.Numbers("acceptance_length").Any(a => a > 0));

    public int[] Steps => Metrics.Numbers("step").Select(s => double.IsNaN(s) ? 0 : (int)s).ToArray();

    public static RunData Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ArgumentException($"report: run directory '{directory}' does not exist.");
        }

        var metricsPath = Path.Combine(directory, MetricsFile);
        if (!File.Exists(metricsPath))
        {
            throw new InvalidDataException($"report: '{directory}' has no {MetricsFile} (not a run directory, or its run failed before the first step).");
        }

        var metrics = MetricsTable.Read(metricsPath);
        if (metrics.Rows == 0)
        {
            throw new InvalidDataException($"report: {metricsPath} has no steps yet.");
        }

        foreach (var column in new[] { "step", "reward_mean", "step_seconds" })
        {
            if (!metrics.Has(column))
            {
                throw new InvalidDataException($"report: {metricsPath} has no '{column}' column (not an rlspec metrics file).");
            }
        }

        var configPath = Path.Combine(directory, "config.yaml");
        var config = File.Exists(configPath) ? FlattenYaml(configPath) : new Dictionary<string, string>();
        var (before, after) = Accuracies(Path.Combine(directory, "summary.json"));
        var logPath = Path.Combine(directory, RolloutFile);
        var rollouts = File.Exists(logPath) ? RolloutLogSummary.Read(logPath) : RolloutLogSummary.Empty;
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        return new RunData(name, directory, config, metrics, before, after, rollouts);
    }

    private static Dictionary<string, string> FlattenYaml(string path)
    {
        var flat = new Dictionary<string, string>();
        try
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(path))
            {
                yaml.Load(reader);
            }

            if (yaml.Documents.Count > 0)
            {
                Flatten(yaml.Documents[0].RootNode, "", flat);
            }
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidDataException($"report: {path} is not valid YAML ({e.Message}).");
        }

        return flat;
    }

    private static void Flatten(YamlNode node, string prefix, Dictionary<string, string> flat)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = key is YamlScalarNode { Value: { } k } ? k : key.ToString();
                    Flatten(value, prefix.Length == 0 ? name : $"{prefix}.{name}", flat);
                }

                break;
            case YamlSequenceNode list:
                flat[prefix] = "[" + string.Join(",", list.Children.Select(c => c is YamlScalarNode s ? s.Value : c.ToString())) + "]";
                break;
            case YamlScalarNode scalar:
                flat[prefix] = scalar.Value ?? "";
                break;
        }
    }

    private static (double? Before, double? After) Accuracies(string path)
    {
        if (!File.Exists(path))
        {
            return (null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return (Number(doc.RootElement, "accuracy_before"), Number(doc.RootElement, "accuracy_after"));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"report: {path} is not valid JSON ({e.Message}).");
        }
    }

    private static double? Number(JsonElement root, string key) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble()
            : root.ValueKind == JsonValueKind.Object && root.TryGetProperty(key, out var s) && s.ValueKind == JsonValueKind.String
                && double.TryParse(s.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
}
