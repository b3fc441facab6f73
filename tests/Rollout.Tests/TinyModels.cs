using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Tests;

/// <summary>Seeded tiny policies with sharpened weights, so different prompts take different paths.</summary>
internal static class TinyModels
{
    public static readonly TextTokenizer Tokenizer = TextTokenizer.ForCharacters("abcdefghijklmnopqrs");   // 23 ids

    public static PolicyModel Policy(long seed = 11, int layers = 2, double scale = 5)
    {
        var model = WeightInit.NewPolicy(new PolicyConfig(23, HiddenSize: 32, NumLayers: layers, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 48, MaxPositions: 64), seed);
        using (no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.TimesInPlace(scale);
            }
        }

        model.eval();
        return model;
    }

    public static readonly IReadOnlyList<int>[] Prompts = [[1, 5, 6, 7], [1, 9], [1, 12, 4, 8, 19, 20], [1]];
}
