using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>The parameter dtypes a policy can be loaded in, by their config/CLI names (HF's <c>torch_dtype</c> names).</summary>
public static class ModelDType
{
    /// <summary>float32: what CPU kernels are fastest and most exact in, and what training needs.</summary>
    public const string Default = "float32";

    /// <summary>Every dtype a checkpoint can be loaded in.</summary>
    public static readonly IReadOnlyList<string> Names = ["float32", "bfloat16", "float16", "float64"];

    /// <summary>
    /// The dtypes a run can train and save in. float64 is for loading only: `verify-lossless --dtype float64` tells
    /// rounding from a bug (checkpoints and weight sync hold float32, float16 or bfloat16).
    /// </summary>
    public static readonly IReadOnlyList<string> TrainingNames = ["float32", "bfloat16", "float16"];

    /// <summary>
    /// The dtype named <paramref name="name"/>; <paramref name="where"/> (a key or flag) is named when it is not one, or,
    /// for a command that saves what it trains (<paramref name="trainable"/>), when it is not one of <see cref="TrainingNames"/>.
    /// </summary>
    public static ScalarType Parse(string name, string where, bool trainable = false)
    {
        var allowed = trainable ? TrainingNames : Names;
        return allowed.Contains(name) ? name switch
        {
            "bfloat16" => ScalarType.BFloat16,
            "float16" => ScalarType.Float16,
            "float64" => ScalarType.Float64,
            _ => ScalarType.Float32,
        }
        : throw new ArgumentException($"{where}: '{name}' is not a model dtype{(trainable ? " that can be saved (float64 is for loading only)" : "")} (expected one of: {string.Join(", ", allowed)}).");
    }

    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        ScalarType.Float64 => "float64",
        _ => dtype.ToString(),
    };
}
