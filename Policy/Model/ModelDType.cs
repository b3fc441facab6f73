using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>The parameter dtypes a policy can be loaded in, by their config/CLI names (HF's <c>torch_dtype</c> names).</summary>
public static class ModelDType
{
    /// <summary>float32: what CPU kernels are fastest and most exact in, and what training needs.</summary>
    public const string Default = "float32";

    public static readonly IReadOnlyList<string> Names = ["float32", "bfloat16", "float16"];

    /// <summary>The dtype named <paramref name="name"/>; <paramref name="where"/> (a key or flag) is named when it is not one.</summary>
    public static ScalarType Parse(string name, string where) => name switch
    {
        "float32" => ScalarType.Float32,
        "bfloat16" => ScalarType.BFloat16,
        "float16" => ScalarType.Float16,
        _ => throw new ArgumentException($"{where}: '{name}' is not a model dtype (expected one of: {string.Join(", ", Names)})."),
    };

    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        _ => dtype.ToString(),
    };
}
