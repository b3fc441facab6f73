using System.Text.Json;
using RlSpec.Policy.Checkpoints;

namespace RlSpec.Trainer.Cli;

/// <summary>--json outputs: snake_case keys (what Python and notebooks expect), written atomically.</summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static void Write(string path, object value) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, Options));
}
