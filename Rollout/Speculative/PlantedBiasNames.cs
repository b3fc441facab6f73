namespace RlSpec.Rollout.Speculative;

/// <summary>Command-line names of the planted biases.</summary>
public static class PlantedBiasNames
{
    public static readonly IReadOnlyDictionary<string, PlantedBias> All = new Dictionary<string, PlantedBias>
    {
        ["none"] = PlantedBias.None,
        ["residual-from-p"] = PlantedBias.ResidualFromTarget,
        ["bonus-from-q"] = PlantedBias.BonusFromDraft,
        ["q-temperature"] = PlantedBias.DraftTemperature,
        ["accept-off-by-one"] = PlantedBias.AcceptOffByOne,
    };

    public static string NameOf(PlantedBias bias) => All.First(e => e.Value == bias).Key;

    public static PlantedBias Parse(string name) => All.TryGetValue(name, out var bias)
        ? bias
        : throw new ArgumentException($"unknown bias '{name}'; expected one of: {string.Join(", ", All.Keys)}.");
}
