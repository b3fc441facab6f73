using System.CommandLine;

namespace RlSpec.Trainer.Cli;

/// <summary>Options several commands share, defined once so defaults cannot drift apart.</summary>
public static class CommonOptions
{
    public static Option<string> Device() => new("--device")
    {
        Description = "cpu, cuda, cuda:N or auto",
        DefaultValueFactory = _ => "auto",
    };

    public static Option<int> Seed() => new("--seed")
    {
        Description = "Seed for initialisation, data and sampling",
        DefaultValueFactory = _ => 1234,
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "CPU threads for libtorch (0 = auto: physical cores less one, at least 1; -1 = every physical core)",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>--device for commands that run a config: unset keeps the config's <c>model.device</c>.</summary>
    public static Option<string?> DeviceOverride() => new("--device") { Description = "cpu, cuda, cuda:N or auto (overrides model.device)" };

    /// <summary>--threads for commands that run a config: unset keeps the config's <c>model.threads</c>.</summary>
    public static Option<int?> ThreadsOverride() => new("--threads") { Description = "CPU threads for libtorch, 0 = auto, -1 = every physical core (overrides model.threads)" };

    /// <summary>The config overrides the two flags stand for.</summary>
    public static string[] Overrides(System.CommandLine.ParseResult parse, Option<string?> device, Option<int?> threads) =>
    [
        .. parse.GetValue(device) is { } d ? [$"model.device={d}"] : Array.Empty<string>(),
        .. parse.GetValue(threads) is { } t ? [$"model.threads={t}"] : Array.Empty<string>(),
    ];

    /// <summary>--dtype; a command that trains and saves (<paramref name="trainable"/>) offers only the dtypes it can save.</summary>
    public static Option<string> DType(bool trainable = false) => new("--dtype")
    {
        Description = $"Parameter dtype the checkpoint is loaded in: {string.Join(", ", trainable ? RlSpec.Policy.Model.ModelDType.TrainingNames : RlSpec.Policy.Model.ModelDType.Names)}",
        DefaultValueFactory = _ => RlSpec.Policy.Model.ModelDType.Default,
    };

    public static Option<string> Checkpoint(bool required) => new("--checkpoint")
    {
        Description = "HF-style model directory (config.json + model.safetensors + tokenizer files)",
        Required = required,
    };
}
