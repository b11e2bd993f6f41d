using System.Globalization;

namespace ZkSync.ZooKeeper;

/// <summary>A parsed <c>host:port,host:port/chroot</c> connection string.</summary>
public sealed record ConnectionString(IReadOnlyList<ServerAddress> Servers, string? Chroot)
{
    public const int DefaultPort = 2181;

    public static ConnectionString Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        string? chroot = null;
        var hostsPart = value.Trim();
        var slash = hostsPart.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            chroot = hostsPart[slash..];
            hostsPart = hostsPart[..slash];
            PathValidation.ValidatePath(chroot, parameterName: nameof(value));
            if (chroot == "/")
            {
                chroot = null;
            }
        }

        var servers = new List<ServerAddress>();
        foreach (var raw in hostsPart.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            servers.Add(ParseServer(raw, value));
        }

        if (servers.Count == 0)
        {
            throw new ArgumentException($"Connection string names no server: \"{value}\".", nameof(value));
        }

        return new ConnectionString(servers, chroot);
    }

    public override string ToString() => string.Join(',', Servers) + Chroot;

    private static ServerAddress ParseServer(string raw, string whole)
    {
        string host;
        string? portText = null;
        if (raw.StartsWith('['))
        {
            var close = raw.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ArgumentException($"Unclosed '[' in server \"{raw}\" of \"{whole}\".", nameof(raw));
            }

            host = raw[1..close];
            if (close + 1 < raw.Length)
            {
                if (raw[close + 1] != ':')
                {
                    throw new ArgumentException($"Bad server \"{raw}\" in \"{whole}\".", nameof(raw));
                }

                portText = raw[(close + 2)..];
            }
        }
        else
        {
            var colon = raw.LastIndexOf(':');
            host = colon < 0 ? raw : raw[..colon];
            portText = colon < 0 ? null : raw[(colon + 1)..];
        }

        var port = DefaultPort;
        if (portText is not null &&
            (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new ArgumentException($"Bad port in server \"{raw}\" of \"{whole}\".", nameof(raw));
        }

        if (host.Length == 0)
        {
            throw new ArgumentException($"Empty host in server \"{raw}\" of \"{whole}\".", nameof(raw));
        }

        return new ServerAddress(host, port);
    }
}
