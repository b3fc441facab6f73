using System.Globalization;

namespace RlSpec.Trainer.Config;

/// <summary>A node's network address as written on the command line and in configs: <c>HOST:PORT</c>.</summary>
public sealed record HostPort(string Host, int Port)
{
    public static bool TryParse(string? text, out HostPort parsed)
    {
        parsed = new HostPort("", 0);
        var colon = text?.LastIndexOf(':') ?? -1;
        if (colon <= 0 || !int.TryParse(text![(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65_535)
        {
            return false;
        }

        parsed = new HostPort(text[..colon], port);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
