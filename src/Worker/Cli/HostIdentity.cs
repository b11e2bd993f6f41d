using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ZkSync.Contracts;

namespace ZkSync.Worker.Cli;

/// <summary>
/// Who this process is to the others: the host part of <c>whoami</c> (what destinations advertise and
/// sources connect to) and the rsync daemon's listen address.
/// </summary>
public static partial class HostIdentity
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

    /// <summary>
    /// Python's <c>socket.getfqdn()</c>, which the original's whoami uses, so that our workers and original ones name
    /// a host alike in a mixed session: the host name resolved to its first address (<c>getaddrinfo</c>), that address
    /// looked up in reverse (<c>gethostbyaddr</c>: a canonical name and aliases), and the first of those names with a
    /// dot in it, else the canonical name; the host name itself when a lookup fails.
    /// </summary>
    public static string Fqdn() => Fqdn(Dns.GetHostName(), ReverseLookup);

    /// <summary><see cref="Fqdn()"/>'s choice, given the host name and a reverse lookup of it (null: failed).</summary>
    public static string Fqdn(string hostName, Func<string, (string Name, IReadOnlyList<string> Aliases)?> lookup)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        ArgumentNullException.ThrowIfNull(lookup);
        if (lookup(hostName) is not { } found)
        {
            return hostName;
        }

        return new[] { found.Name }.Concat(found.Aliases).FirstOrDefault(name => name.Contains('.', StringComparison.Ordinal)) ?? found.Name;
    }

    /// <summary>Python's <c>socket.gethostbyaddr(name)</c>: the first address <c>getaddrinfo</c> gives, looked up in reverse by libc.</summary>
    private static unsafe (string Name, IReadOnlyList<string> Aliases)? ReverseLookup(string hostName)
    {
        IPAddress address;
        try
        {
            var addresses = IPAddress.TryParse(hostName, out var literal) ? [literal] : Dns.GetHostAddresses(hostName);
            if (addresses.Length == 0)
            {
                return null;
            }

            address = addresses[0];
        }
        catch (SocketException)
        {
            return null;
        }

        var bytes = address.GetAddressBytes();
        var family = address.AddressFamily == AddressFamily.InterNetworkV6 ? AfInet6 : AfInet;
        HostEntry* entry;
        fixed (byte* raw = bytes)
        {
            entry = GetHostByAddr(raw, (uint)bytes.Length, family);
        }

        if (entry is null || entry->Name is null)
        {
            return null;
        }

        var aliases = new List<string>();
        for (var alias = entry->Aliases; alias is not null && *alias is not null; alias++)
        {
            aliases.Add(Marshal.PtrToStringUTF8((nint)(*alias)) ?? string.Empty);
        }

        return (Marshal.PtrToStringUTF8((nint)entry->Name) ?? hostName, aliases);
    }

    private const int AfInet = 2;
    private const int AfInet6 = 10;

    [LibraryImport("libc", EntryPoint = "gethostbyaddr")]
    private static unsafe partial HostEntry* GetHostByAddr(byte* address, uint length, int family);

    /// <summary>libc's <c>struct hostent</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct HostEntry
    {
        public byte* Name;
        public byte** Aliases;
        public int AddressType;
        public int Length;
        public byte** Addresses;
    }
}
