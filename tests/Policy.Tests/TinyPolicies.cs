using RlSpec.Policy.Model;
using static TorchSharp.torch;

namespace RlSpec.Policy.Tests;

/// <summary>Small seeded models for fast, exact tests.</summary>
internal static class TinyPolicies
{
    public static PolicyConfig Config(bool tied = true, bool bias = false, int kvHeads = 2) =>
        new(VocabSize: 23, HiddenSize: 32, NumLayers: 2, NumHeads: 4, NumKvHeads: kvHeads, IntermediateSize: 48, MaxPositions: 64, TieEmbeddings: tied, AttentionBias: bias);

    public static PolicyModel Create(bool tied = true, bool bias = false, int kvHeads = 2, long seed = 7)
    {
        var model = WeightInit.NewPolicy(Config(tied, bias, kvHeads), seed);
        using (no_grad())
        {
            // Weights 5x the 0.02 init make logits differ clearly between positions, so equality tests bite, while
            // activations stay small enough that float32 rounding stays far below the tolerances.
            foreach (var p in model.parameters())
            {
                p.TimesInPlace(5);
            }
        }

        model.eval();
        return model;
    }

    public static Tensor Tokens(long seed, params long[] shape)
    {
        using var g = new Generator((ulong)seed);
        return randint(4, 23, shape, generator: g);
    }
}
