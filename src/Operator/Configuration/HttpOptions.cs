using System.Net;
using System.Net.Sockets;

namespace ZkSync.Operator.Configuration;

/// <summary>Where /healthz, /readyz and /metrics listen: the pod IP (POD_IP) unless an address is given.</summary>
public sealed class HttpOptions
{
    /// <summary>An IP address, <c>localhost</c> (the IPv4 loopback) or <c>*</c> (every address).</summary>
    public string? Address { get; set; }

    public int Port { get; set; } = 8080;

    /// <summary>Whether <see cref="Port"/> is one to listen on (0: the system picks one).</summary>
    public bool HasValidPort => Port is >= 0 and <= 65535;

    /// <summary>The address and port to listen on: <see cref="Address"/>, else <paramref name="podIp"/>, else
    /// 127.0.0.1; null when the address is none of the forms <see cref="Address"/> allows.</summary>
    public IPEndPoint? ListenEndPoint(string? podIp)
    {
        var address = (Address ?? podIp ?? "127.0.0.1").Trim();
        IPAddress? ip = address switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" => Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any,
            _ => IPAddress.TryParse(address.Trim('[', ']'), out var parsed) ? parsed : null,
        };
        return ip is null || !HasValidPort ? null : new IPEndPoint(ip, Port);
    }
}
