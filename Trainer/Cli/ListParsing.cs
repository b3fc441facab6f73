using System.Globalization;

namespace RlSpec.Trainer.Cli;

/// <summary>Comma-separated sweep values on the command line ("0,0.6,1.0"), with the flag named on a bad value.</summary>
public static class ListParsing
{
    public static IReadOnlyList<T> Parse<T>(string flag, string text, Func<string, T> parse)
    {
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToList() is { Count: > 0 } values
                ? values
                : throw new FormatException("empty list");
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"{flag}: expected a comma-separated list of {typeof(T).Name} values, got '{text}' ({e.Message}).");
        }
    }

    public static IReadOnlyList<double> Doubles(string flag, string text) => Parse(flag, text, s => double.Parse(s, CultureInfo.InvariantCulture));

    public static IReadOnlyList<int> Ints(string flag, string text) => Parse(flag, text, s => int.Parse(s, CultureInfo.InvariantCulture));
}
