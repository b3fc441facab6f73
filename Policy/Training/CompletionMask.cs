using static TorchSharp.torch;

namespace RlSpec.Policy.Training;

/// <summary>
/// Loss mask for next-token targets of right-padded prompt+completion rows: 1 where target t (token t+1)
/// belongs to the completion (EOS included), 0 on prompt and padding.
/// </summary>
public static class CompletionMask
{
    /// <returns>[B, width] float mask.</returns>
    public static Tensor Build(IReadOnlyList<int> promptLengths, IReadOnlyList<int> lengths, int width, Device device)
    {
        var mask = new float[promptLengths.Count * width];
        for (var b = 0; b < promptLengths.Count; b++)
        {
            for (var t = promptLengths[b] - 1; t < lengths[b] - 1; t++)
            {
                mask[(b * width) + t] = 1f;
            }
        }

        return tensor(mask, [promptLengths.Count, width], device: device);
    }
}
