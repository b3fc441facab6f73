using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using RlSpec.Policy.Checkpoints;

namespace RlSpec.Trainer.Runs;

/// <summary><c>metrics.csv</c> of a run: one row per step, appended as steps finish; snake_case columns for pandas.</summary>
public static class MetricsLog
{
    public const string FileName = "metrics.csv";

    private static readonly CsvConfiguration Csv = new(CultureInfo.InvariantCulture);

    private static CsvWriter Writer(TextWriter writer)
    {
        var csv = new CsvWriter(writer, Csv);
        csv.Context.RegisterClassMap<SnakeCaseMap>();
        return csv;
    }

    public static void Append(string path, StepMetrics row)
    {
        var exists = File.Exists(path) && new FileInfo(path).Length > 0;
        using var writer = new StreamWriter(path, append: true);
        using var csv = Writer(writer);
        if (!exists)
        {
            csv.WriteHeader<StepMetrics>();
            csv.NextRecord();
        }

        csv.WriteRecord(row);
        csv.NextRecord();
    }

    public static List<StepMetrics> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, Csv);
        csv.Context.RegisterClassMap<SnakeCaseMap>();
        try
        {
            return csv.GetRecords<StepMetrics>().ToList();
        }
        catch (CsvHelperException e)
        {
            throw new InvalidDataException($"{path}: not a metrics file this version can read ({e.Message.Split('\n')[0]}).");
        }
    }

    /// <summary>Keeps rows of steps ≤ <paramref name="step"/> (rewritten atomically); used on resume.</summary>
    public static void TruncateAfterStep(string path, int step)
    {
        var kept = Read(path).Where(r => r.Step <= step).ToList();
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            using var csv = Writer(writer);
            csv.WriteRecords(kept);
        });
    }

    private sealed class SnakeCaseMap : ClassMap<StepMetrics>
    {
        public SnakeCaseMap()
        {
            AutoMap(CultureInfo.InvariantCulture);
            foreach (var member in MemberMaps)
            {
                member.Name(YamlDotNet.Serialization.NamingConventions.UnderscoredNamingConvention.Instance.Apply(member.Data.Member!.Name));
            }

            // Columns added after runs were already written: runs from before them still read (and resume).
            foreach (var added in new[] { nameof(StepMetrics.RolloutNodes), nameof(StepMetrics.WeightSyncSeconds), nameof(StepMetrics.WeightSyncMb),
                         nameof(StepMetrics.DrafterAlarm), nameof(StepMetrics.DrafterVersionLag) })
            {
                MemberMaps.Single(m => m.Data.Member!.Name == added).Optional();
            }
        }
    }
}
