using RlSpec.Policy.Model;

namespace RlSpec.Drafter.Tests;

internal static class TinyPolicy
{
    public static readonly PolicyConfig Config = new(23, HiddenSize: 32, NumLayers: 4, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 48, MaxPositions: 64);

    public static PolicyModel Create(long seed = 3, double std = 0.2, PolicyConfig? config = null)
    {
        var model = WeightInit.NewPolicy(config ?? Config, seed, std);
        model.eval();
        return model;
    }
}
