namespace RlSpec.Policy.Sampling;

/// <summary>
/// One sequence's own stream of random numbers: SplitMix64 (Steele, Lea and Flood, OOPSLA 2014) started from a state
/// derived from (seed, stream id). Each sequence draws from its own stream in its own order, so what a sequence samples
/// depends on the seed and its id, never on which other sequences share its batch or in which slot it runs.
/// </summary>
public struct RandomStream(ulong seed, long id)
{
    private const ulong Golden = 0x9E3779B97F4A7C15;
    private ulong _state = Mix(Mix(seed) ^ ((ulong)id * 0xD1B54A32D192ED03));

    /// <summary>Draws taken so far (for tests and logs).</summary>
    public long Drawn { get; private set; }

    public ulong NextUInt64()
    {
        Drawn++;
        _state += Golden;
        return Mix(_state);
    }

    /// <summary>
    /// A uniform in [0, 1 − 2⁻²⁴] on the 2⁻²⁴ grid: exactly representable in float32, and strictly below 1 so an
    /// inverse-CDF draw can never land past the last token with mass.
    /// </summary>
    public float NextUniform() => (NextUInt64() >> 40) * (1f / (1 << 24));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
