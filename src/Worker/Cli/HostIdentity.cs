using System.Net;
using System.Net.Sockets;
using ZkSync.Contracts;

namespace ZkSync.Worker.Cli;

/// <summary>
/// Who this process is to the others: the host part of <c>whoami</c> (what destinations advertise and
/// sources connect to) and the rsync daemon's listen address.
/// </summary>
public static class HostIdentity
{
    /// <summary>
    /// <c>--host</c> if given; else the fqdn, or with <c>--domain D</c> the short host name + <c>.D</c>
    /// (the original's destination rule).
    /// </summary>
    public static string AdvertisedHost(ZkRsyncOptions options, Func<string> fqdn)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fqdn);
        if (options.Host is not null)
        {
            return options.Host;
        }

        var host = fqdn();
        if (options.Domain is null)
        {
            return host;
        }

        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return (dot < 0 ? host : host[..dot]) + "." + options.Domain;
    }

    /// <summary><c>--bind</c> if given, else the advertised address (never all interfaces unless asked).</summary>
    public static string BindAddress(ZkRsyncOptions options, string advertisedHost)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Bind ?? advertisedHost;
    }

    /// <summary><c>&lt;host&gt;:&lt;pid&gt;</c>.</summary>
    public static string WhoAmI(string host, int pid) => ZnodeLayout.WhoAmI(host, pid);

    /// <summary>Python's <c>socket.getfqdn()</c>: the canonical name of this host, else its host name.</summary>
    public static string Fqdn()
    {
        var hostName = Dns.GetHostName();
        try
        {
            var entry = Dns.GetHostEntry(hostName);
            return string.IsNullOrEmpty(entry.HostName) ? hostName : entry.HostName;
        }
        catch (SocketException)
        {
            return hostName;
        }
    }
}
