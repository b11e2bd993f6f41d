using System.Globalization;
using System.Net;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>A CIDR ("10.0.0.0/8") as Kubernetes' CIDR library exposes it.</summary>
internal sealed record CelCidr(IPAddress Address, int PrefixLength)
{
    public static CelCidr? TryParse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || CelNetworks.ParseIp(text[..slash]) is not { } address)
        {
            return null;
        }

        var bits = address.GetAddressBytes().Length * 8;
        var prefix = text[(slash + 1)..];
        return prefix.Length is > 0 and <= 3 && prefix.All(char.IsAsciiDigit) && (prefix.Length == 1 || prefix[0] != '0') &&
            int.Parse(prefix, CultureInfo.InvariantCulture) is var length && length <= bits
            ? new CelCidr(address, length)
            : null;
    }

    public bool Contains(IPAddress ip)
    {
        var network = Address.GetAddressBytes();
        var candidate = ip.GetAddressBytes();
        if (network.Length != candidate.Length)
        {
            return false;
        }

        for (var bit = 0; bit < PrefixLength; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((network[bit / 8] & mask) != (candidate[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    public bool Contains(CelCidr other) => other.PrefixLength >= PrefixLength && Contains(other.Address);

    public CelCidr Masked()
    {
        var bytes = Address.GetAddressBytes();
        for (var bit = PrefixLength; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new CelCidr(new IPAddress(bytes), PrefixLength);
    }

    public override string ToString() => Address + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);
}
