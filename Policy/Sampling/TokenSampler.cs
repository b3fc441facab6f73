using static TorchSharp.torch;

namespace RlSpec.Policy.Sampling;

/// <summary>Draws tokens from processed distributions with its own seeded generator: same seed, same tokens.</summary>
public sealed class TokenSampler : IDisposable
{
    private readonly Generator _generator;

    public TokenSampler(ulong seed, Device? device = null)
    {
        _generator = new Generator(seed, device ?? CPU);
        Seed = seed;
    }

    public ulong Seed { get; }

    public Generator Generator => _generator;

    /// <summary>One token id per row of <paramref name="probs"/> [N, V]; returns [N].</summary>
    public Tensor Sample(Tensor probs) => multinomial(probs, 1, false, _generator).squeeze(-1);

    /// <summary>Uniform draws in [0, 1) shaped like <paramref name="shape"/>, from this sampler's stream.</summary>
    public Tensor Uniform(long[] shape, Device device) => rand(shape, generator: _generator, device: device);

    public void Dispose() => _generator.Dispose();
}
