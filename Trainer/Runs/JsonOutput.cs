using System.Text.Json;
using RlSpec.Policy.Checkpoints;

namespace RlSpec.Trainer.Runs;

/// <summary>JSON the project writes (--json outputs, run state): snake_case keys (what Python and notebooks expect), written atomically.</summary>
public static class JsonOutput
{
    // Named literals: a measured error can be infinite (a token the fresh forward gives probability 0), and that must be written, not thrown.
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(string path, object value) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, Options));

    /// <summary>Reads back what <see cref="Write"/> wrote; a bad file fails naming it and <paramref name="what"/> was expected.</summary>
    public static T Read<T>(string path, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options) ?? throw new InvalidDataException($"{path}: empty, expected {what}.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not {what} ({e.Message}).");
        }
    }
}
