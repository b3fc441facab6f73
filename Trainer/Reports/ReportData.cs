namespace RlSpec.Trainer.Reports;

/// <summary>Everything a report shows, computed from the runs without drawing anything (so it is tested on its own):
/// per-run numbers, and the runs grouped by config with the seed left out.</summary>
/// <param name="Runs">Each run's numbers, in the order given.</param>
/// <param name="Groups">Runs equal but for the seed, in order of first appearance.</param>
/// <param name="GroupKeys">Config keys whose values tell the groups apart (empty with one group).</param>
public sealed record ReportData(IReadOnlyList<RunStats> Runs, IReadOnlyList<RunGroup> Groups, IReadOnlyList<string> GroupKeys)
{
    /// <summary>Loads every directory first (any bad one throws before a report is built), then groups.</summary>
    public static ReportData Load(IEnumerable<string> directories)
    {
        var runs = new List<RunData>();
        foreach (var dir in directories)
        {
            var full = Path.GetFullPath(dir);
            if (runs.Any(r => Path.GetFullPath(r.Directory) == full))
            {
                throw new ArgumentException($"report: run directory '{dir}' is given twice.");
            }

            runs.Add(RunData.Load(dir));
        }

        return runs.Count == 0 ? throw new ArgumentException("report: no run directories given.") : From(runs);
    }

    public static ReportData From(IReadOnlyList<RunData> runs)
    {
        var stats = runs.Select(RunStats.From).ToList();
        // A run without a config.yaml cannot be matched to others, so it stands alone (keyed by its directory).
        var keys = runs.Select(r => r.Config.Count == 0 ? new Dictionary<string, string> { ["run"] = r.Directory }
            : r.Config.Where(kv => !RunData.SeedKeys.Contains(kv.Key)).ToDictionary()).ToList();
        var identities = keys.Select(k => string.Join("\n", k.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))).ToList();
        var distinct = identities.Distinct().ToList();
        var firstOfGroup = distinct.Select(id => identities.IndexOf(id)).ToList();
        var differing = firstOfGroup.SelectMany(i => keys[i].Keys).Distinct()
            .Where(key => firstOfGroup.Select(i => keys[i].GetValueOrDefault(key)).Distinct().Count() > 1)
            .Order(StringComparer.Ordinal).ToList();
        var groups = distinct.Select((id, g) =>
        {
            var members = stats.Where((_, i) => identities[i] == id).ToList();
            var key = keys[firstOfGroup[g]];
            var label = differing.Count == 0
                ? members.Count == 1 ? members[0].Run.Name : "all runs"
                : string.Join(" ", differing.Select(k => k == "run" ? members[0].Run.Name : $"{k}={key.GetValueOrDefault(k) ?? "(unset)"}"));
            return new RunGroup(label, members);
        }).ToList();
        return new ReportData(stats, groups, differing);
    }
}
