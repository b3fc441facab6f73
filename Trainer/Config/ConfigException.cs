namespace RlSpec.Trainer.Config;

/// <summary>A config that cannot be used, with the file and key at fault in the message.</summary>
public sealed class ConfigException(string message) : Exception(message);
