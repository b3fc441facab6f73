namespace RlSpec.Trainer.Actors;

/// <summary>A failure as it travels between actors that may live on different nodes: the exception's type and message.
/// A live exception neither serializes reliably nor means anything in another process.</summary>
public sealed record RemoteFailure(string Type, string Message)
{
    public static RemoteFailure Of(Exception e) => new(e.GetType().Name, e.Message);

    public override string ToString() => $"{Type}: {Message}";
}
