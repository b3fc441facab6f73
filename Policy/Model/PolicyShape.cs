namespace RlSpec.Policy.Model;

/// <summary>
/// The built-in policy's shape: a named preset, with any dimension overridden (0 = the preset's).
/// <c>tiny</c> (4 layers, hidden 128, 0.8M parameters) warm-starts in about a minute; <c>deep</c> (16 layers of the same
/// width, 3.2M parameters) makes a one-layer drafter cost what it costs over a 28–36-layer LLM, a few percent of a
/// decode step, so speculation meets the economics it has in practice.
/// </summary>
/// <param name="Preset">tiny or deep.</param>
public sealed record PolicyShape(string Preset = "tiny", int Layers = 0, int Hidden = 0, int Heads = 0, int KvHeads = 0, int Intermediate = 0)
{
    public static readonly string[] Presets = ["tiny", "deep"];

    /// <summary>The policy config for a tokenizer of <paramref name="vocabSize"/> ids.</summary>
    public PolicyConfig For(int vocabSize)
    {
        var preset = Preset switch
        {
            "tiny" => new PolicyConfig(vocabSize),
            "deep" => new PolicyConfig(vocabSize, NumLayers: 16),
            _ => throw new ArgumentException($"unknown policy preset '{Preset}'; expected one of: {string.Join(", ", Presets)}."),
        };
        return (preset with
        {
            NumLayers = Or(Layers, preset.NumLayers),
            HiddenSize = Or(Hidden, preset.HiddenSize),
            NumHeads = Or(Heads, preset.NumHeads),
            NumKvHeads = Or(KvHeads, preset.NumKvHeads),
            IntermediateSize = Or(Intermediate, preset.IntermediateSize),
        }).Validated();
    }

    private static int Or(int value, int preset) => value > 0 ? value : preset;
}
