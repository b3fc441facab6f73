namespace RlSpec.Policy.Checkpoints;

/// <summary>A safetensors file or checkpoint directory that cannot be read as promised; the message names file and tensor.</summary>
public sealed class CheckpointFormatException(string message) : Exception(message);
