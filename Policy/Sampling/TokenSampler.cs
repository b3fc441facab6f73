using static TorchSharp.torch;

namespace RlSpec.Policy.Sampling;

/// <summary>
/// Draws tokens from processed distributions with its own seeded generator: same seed, same tokens. The generator is
/// always a CPU one, since TorchSharp 0.107 cannot create CUDA generators (dotnet/TorchSharp#1194); draws for tensors
/// on another device are made on the CPU and moved, which also makes a seed's random stream the same on every device.
/// </summary>
public sealed class TokenSampler : IDisposable
{
    private readonly Generator _generator;

    public TokenSampler(ulong seed)
    {
        _generator = new Generator(seed, CPU);
        Seed = seed;
    }

    public ulong Seed { get; }

    public Generator Generator => _generator;

    /// <summary>One token id per row of <paramref name="probs"/> [N, V]; returns [N].</summary>
    public Tensor Sample(Tensor probs) => probs.device_type == TorchSharp.DeviceType.CPU
        ? multinomial(probs, 1, false, _generator).squeeze(-1)
        : multinomial(probs.cpu(), 1, false, _generator).squeeze(-1).to(probs.device);

    /// <summary>Uniform draws in [0, 1) shaped like <paramref name="shape"/>, from this sampler's stream.</summary>
    public Tensor Uniform(long[] shape, Device device) => rand(shape, generator: _generator).to(device);

    public void Dispose() => _generator.Dispose();
}
