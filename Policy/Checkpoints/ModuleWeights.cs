using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>Strict state-dict loading: every tensor the module expects must be present with its shape, and nothing else.</summary>
public static class ModuleWeights
{
    /// <summary>Copies <paramref name="tensors"/> into <paramref name="module"/> by name; failures name the tensor and <paramref name="source"/>.</summary>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var expected = module.state_dict();
        foreach (var (name, target) in expected)
        {
            if (!tensors.TryGetValue(name, out var value))
            {
                throw new CheckpointFormatException($"{source}: missing tensor '{name}' (shape [{string.Join(", ", target.shape)}]).");
            }

            if (!value.shape.SequenceEqual(target.shape))
            {
                throw new CheckpointFormatException(
                    $"{source}: tensor '{name}' has shape [{string.Join(", ", value.shape)}], the config needs [{string.Join(", ", target.shape)}].");
            }
        }

        var unexpected = tensors.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (unexpected.Count > 0)
        {
            throw new CheckpointFormatException($"{source}: unexpected tensor '{unexpected[0]}' ({unexpected.Count} in all) for this config.");
        }

        using var noGrad = no_grad();
        foreach (var (name, target) in expected)
        {
            target.copy_(tensors[name]);
        }
    }
}
