using RlSpec.Policy.Model;

namespace RlSpec.Drafter.DraftModel;

/// <summary>The default draft-model shape for a policy: one layer, a quarter of the width, same vocabulary and positions.</summary>
public static class DraftModelShape
{
    public static PolicyConfig For(PolicyConfig policy, int layers = 1) => new(
        VocabSize: policy.VocabSize,
        HiddenSize: Math.Max(32, policy.HiddenSize / 2),
        NumLayers: layers,
        NumHeads: 4,
        NumKvHeads: 2,
        IntermediateSize: Math.Max(64, policy.IntermediateSize / 2),
        RopeTheta: policy.RopeTheta,
        MaxPositions: policy.MaxPositions,
        RmsNormEps: policy.RmsNormEps,
        TieEmbeddings: true);
}
