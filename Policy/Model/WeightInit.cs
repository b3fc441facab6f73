using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>
/// GPT-style initialisation (normal(0, std) weights, std 0.02 by default, zero biases, unit norms), seeded so a fresh policy is
/// reproducible from config + seed, whatever else the process does with torch's global generator. TorchSharp's per-module defaults would give a tied LM head unit-variance
/// embeddings and huge initial logits.
/// </summary>
public static class WeightInit
{
    public static PolicyModel NewPolicy(PolicyConfig config, long seed, double std = 0.02)
    {
        // A private generator, not torch's global one: other threads (parallel tests, actors) cannot perturb it.
        using var generator = new Generator((ulong)seed);
        var model = new PolicyModel(config);
        using var noGrad = no_grad();
        using var one = 1.0f.ToScalar();
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal))
            {
                p.fill_(one);
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                p.zero_();
            }
            else
            {
                p.normal_(0.0, std, generator);
            }
        }

        return model;
    }
}
