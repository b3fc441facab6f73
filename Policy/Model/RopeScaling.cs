namespace RlSpec.Policy.Model;

/// <summary>
/// Llama 3's rotary frequency scaling (HF <c>rope_scaling</c> with <c>rope_type: llama3</c>): wavelengths longer than
/// <c>OriginalMaxPositions / LowFreqFactor</c> are stretched by <c>Factor</c>, those shorter than
/// <c>OriginalMaxPositions / HighFreqFactor</c> are kept, and the ones between are interpolated smoothly.
/// </summary>
public sealed record RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositions)
{
    /// <summary>The scaled inverse frequency of one rotary pair, as HF's <c>_compute_llama3_parameters</c> computes it.</summary>
    public double Scale(double inverseFrequency)
    {
        var wavelength = 2 * Math.PI / inverseFrequency;
        var lowFreqWavelength = OriginalMaxPositions / LowFreqFactor;
        var highFreqWavelength = OriginalMaxPositions / HighFreqFactor;
        if (wavelength < highFreqWavelength)
        {
            return inverseFrequency;
        }

        if (wavelength > lowFreqWavelength)
        {
            return inverseFrequency / Factor;
        }

        var smooth = ((OriginalMaxPositions / wavelength) - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
        return ((1 - smooth) * inverseFrequency / Factor) + (smooth * inverseFrequency);
    }

    /// <summary>Throws naming the field when the scaling cannot be applied.</summary>
    public RopeScaling Validated()
    {
        if (Factor <= 0 || LowFreqFactor <= 0 || HighFreqFactor <= LowFreqFactor || OriginalMaxPositions <= 0)
        {
            throw new ArgumentException($"RopeScaling needs factor > 0, 0 < low_freq_factor < high_freq_factor and original_max_position_embeddings > 0 (got {this}).");
        }

        return this;
    }
}
