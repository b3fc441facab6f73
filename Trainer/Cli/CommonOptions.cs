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
        Description = "CPU threads for libtorch (0 = libtorch's default)",
        DefaultValueFactory = _ => 0,
    };

    public static Option<string> DType() => new("--dtype")
    {
        Description = $"Parameter dtype the checkpoint is loaded in: {string.Join(", ", RlSpec.Policy.Model.ModelDType.Names)}",
        DefaultValueFactory = _ => RlSpec.Policy.Model.ModelDType.Default,
    };

    public static Option<string> Checkpoint(bool required) => new("--checkpoint")
    {
        Description = "HF-style model directory (config.json + model.safetensors + tokenizer files)",
        Required = required,
    };
}
