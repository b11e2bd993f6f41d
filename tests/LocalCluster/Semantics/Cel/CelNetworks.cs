using System.Net;
using System.Net.Sockets;
using Cel;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>Kubernetes' IP and CIDR libraries (apiserver/pkg/cel/library/ip.go, cidr.go), over System.Net.IPAddress.</summary>
internal static class CelNetworks
{
    public static void Register(CelEnvironment env)
    {
        env.RegisterFunction("ip", [typeof(string)], a => ParseIp((string)a[0]!) ?? throw new CelEvaluationException($"IP Address \"{a[0]}\" parse error during conversion from string: ParseAddr(\"{a[0]}\"): unable to parse IP"));
        env.RegisterFunction("isIP", [typeof(string)], a => ParseIp((string)a[0]!) is not null);
        env.RegisterFunction("isCanonical", [typeof(CelNamespace), typeof(string)], a => ParseIp((string)a[1]!) is { } ip && ip.ToString() == (string)a[1]!);
        env.RegisterFunction("family", [typeof(IPAddress)], a => ((IPAddress)a[0]!).AddressFamily == AddressFamily.InterNetwork ? 4L : 6L);
        env.RegisterFunction("isUnspecified", [typeof(IPAddress)], a => ((IPAddress)a[0]!).Equals(IPAddress.Any) || ((IPAddress)a[0]!).Equals(IPAddress.IPv6Any));
        env.RegisterFunction("isLoopback", [typeof(IPAddress)], a => IPAddress.IsLoopback((IPAddress)a[0]!));
        env.RegisterFunction("isLinkLocalMulticast", [typeof(IPAddress)], a => IsLinkLocalMulticast((IPAddress)a[0]!));
        env.RegisterFunction("isLinkLocalUnicast", [typeof(IPAddress)], a => IsLinkLocalUnicast((IPAddress)a[0]!));
        env.RegisterFunction("isGlobalUnicast", [typeof(IPAddress)], a => IsGlobalUnicast((IPAddress)a[0]!));
        env.RegisterFunction("string", [typeof(IPAddress)], a => ((IPAddress)a[0]!).ToString());
        env.RegisterFunction("cidr", [typeof(string)], a => CelCidr.TryParse((string)a[0]!) ?? throw new CelEvaluationException($"network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"{a[0]}\"): invalid prefix"));
        env.RegisterFunction("isCIDR", [typeof(string)], a => CelCidr.TryParse((string)a[0]!) is not null);
        env.RegisterFunction("containsIP", [typeof(CelCidr), typeof(IPAddress)], a => ((CelCidr)a[0]!).Contains((IPAddress)a[1]!));
        env.RegisterFunction("containsIP", [typeof(CelCidr), typeof(string)], a => ((CelCidr)a[0]!).Contains(ParseIp((string)a[1]!) ?? throw new CelEvaluationException("invalid IP")));
        env.RegisterFunction("containsCIDR", [typeof(CelCidr), typeof(CelCidr)], a => ((CelCidr)a[0]!).Contains((CelCidr)a[1]!));
        env.RegisterFunction("containsCIDR", [typeof(CelCidr), typeof(string)], a => ((CelCidr)a[0]!).Contains(CelCidr.TryParse((string)a[1]!) ?? throw new CelEvaluationException("invalid CIDR")));
        env.RegisterFunction("ip", [typeof(CelCidr)], a => ((CelCidr)a[0]!).Address);
        env.RegisterFunction("masked", [typeof(CelCidr)], a => ((CelCidr)a[0]!).Masked());
        env.RegisterFunction("prefixLength", [typeof(CelCidr)], a => (long)((CelCidr)a[0]!).PrefixLength);
        env.RegisterFunction("string", [typeof(CelCidr)], a => ((CelCidr)a[0]!).ToString());
    }

    /// <summary>netip.ParseAddr as the library uses it: no zones, no IPv4-mapped IPv6 addresses.</summary>
    internal static IPAddress? ParseIp(string text)
    {
        var address = StringFormats.ParseIp(text);
        if (address is null || text.Contains('%', StringComparison.Ordinal) ||
            (text.Contains('.', StringComparison.Ordinal) && text.Split('.').Any(o => o.Length > 1 && o[0] == '0')))
        {
            return null;
        }

        return address.IsIPv4MappedToIPv6 ? null : address;
    }

    private static bool IsLinkLocalMulticast(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetwork
        ? ip.GetAddressBytes() is [224, 0, 0, _]
        : ip.GetAddressBytes() is [0xff, var b, ..] && (b & 0x0f) == 0x02;

    private static bool IsLinkLocalUnicast(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetwork
        ? ip.GetAddressBytes() is [169, 254, _, _]
        : ip.IsIPv6LinkLocal;

    private static bool IsGlobalUnicast(IPAddress ip)
    {
        var bytes = ip.GetAddressBytes();
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            return !(bytes is [0, 0, 0, 0] or [255, 255, 255, 255]) && bytes[0] != 127 && bytes[0] < 224 && !(bytes[0] == 169 && bytes[1] == 254);
        }

        return !ip.Equals(IPAddress.IPv6Any) && !IPAddress.IsLoopback(ip) && bytes[0] != 0xff && !ip.IsIPv6LinkLocal;
    }
}
