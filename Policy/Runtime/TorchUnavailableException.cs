namespace RlSpec.Policy.Runtime;

/// <summary>libtorch (or the requested device) cannot be used; the message says why and what to do.</summary>
public sealed class TorchUnavailableException(string message) : Exception(message);
