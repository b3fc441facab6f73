using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace RlSpec.Trainer.Reports;

/// <summary>
/// A run's <c>metrics.csv</c> read by column name rather than into <c>StepMetrics</c>, so a report reads runs written
/// before or after a column was added (<c>drafter_alarm</c>, <c>drafter_version_lag</c>, …) without knowing the schema.
/// </summary>
public sealed class MetricsTable
{
    private readonly Dictionary<string, string[]> _columns;

    private MetricsTable(Dictionary<string, string[]> columns, int rows)
    {
        _columns = columns;
        Rows = rows;
    }

    public int Rows { get; }

    public IReadOnlyCollection<string> ColumnNames => _columns.Keys;

    public bool Has(string column) => _columns.ContainsKey(column);

    /// <summary>A numeric column; missing columns and empty or unparsable cells are NaN.</summary>
    public double[] Numbers(string column) =>
        _columns.TryGetValue(column, out var cells) ? cells.Select(Parse).ToArray() : Enumerable.Repeat(double.NaN, Rows).ToArray();

    /// <summary>A text column, or null when the file has no such column.</summary>
    public string[]? Text(string column) => _columns.GetValueOrDefault(column);

    public static MetricsTable Read(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { DetectColumnCountChanges = true });
        try
        {
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
            {
                throw new InvalidDataException($"{path}: empty (no header row).");
            }

            var cells = header.Select(_ => new List<string>()).ToArray();
            while (csv.Read())
            {
                for (var i = 0; i < header.Length; i++)
                {
                    cells[i].Add(csv.GetField(i) ?? "");
                }
            }

            var columns = new Dictionary<string, string[]>();
            for (var i = 0; i < header.Length; i++)
            {
                columns[header[i]] = [.. cells[i]];
            }

            return new MetricsTable(columns, cells[0].Count);
        }
        catch (CsvHelperException e)
        {
            // A row cut mid-write (a killed run) has fewer fields than the header.
            throw new InvalidDataException($"{path}: malformed at row {csv.Parser.Row} ({e.Message.Split('\n')[0]}).");
        }
    }

    private static double Parse(string cell) => cell.Trim().ToLowerInvariant() switch
    {
        "" => double.NaN,
        "true" => 1,
        "false" => 0,
        var s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN,
    };
}
