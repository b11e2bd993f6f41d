using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Text.RegularExpressions;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// The string formats apiextensions-apiserver checks (apiserver/validation/formats.go keeps these and strips every
/// other format, int32 and int64 included, before validating) with kube-openapi's strfmt checks. Names are normalized
/// as go-openapi does ("date-time" is "datetime").
/// </summary>
internal static partial class StringFormats
{
    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5",
        "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor", "byte", "password", "date", "duration",
        "datetime",
    };

    /// <summary>Whether the server checks <paramref name="format"/> at all.</summary>
    public static bool IsChecked(string? format) => format is not null && Supported.Contains(Normalize(format));

    public static bool IsValid(string format, string value) => Normalize(format) switch
    {
        "bsonobjectid" => value.Length == 24 && value.All(char.IsAsciiHexDigit),
        "uri" => IsRequestUri(value),
        "email" => MailAddress.TryCreate(value, out var address) && address.Address.Length > 0,
        "hostname" => IsHostname(value),
        "ipv4" => ParseIp(value) is not null && value.Contains('.', StringComparison.Ordinal),
        "ipv6" => ParseIp(value) is not null && value.Contains(':', StringComparison.Ordinal),
        "cidr" => IsCidr(value),
        "mac" => MacPattern().IsMatch(value),
        "uuid" => UuidPattern().IsMatch(value),
        "uuid3" => Uuid3Pattern().IsMatch(value),
        "uuid4" => Uuid4Pattern().IsMatch(value),
        "uuid5" => Uuid5Pattern().IsMatch(value),
        "isbn" => IsIsbn10(value) || IsIsbn13(value),
        "isbn10" => IsIsbn10(value),
        "isbn13" => IsIsbn13(value),
        "creditcard" => IsCreditCard(value),
        "ssn" => SsnPattern().IsMatch(value),
        "hexcolor" => HexColorPattern().IsMatch(value),
        "rgbcolor" => RgbColorPattern().IsMatch(value),
        "byte" => Base64Pattern().IsMatch(value),
        "password" => true,
        "date" => IsDate(value),
        "duration" => GoDuration.TryParseLenient(value, out _),
        "datetime" => IsDateTime(value),
        _ => true,
    };

    public static string Normalize(string format) => format.Replace("-", "", StringComparison.Ordinal);

    /// <summary>strfmt.IsDate: time.Parse("2006-01-02").</summary>
    public static bool IsDate(string value) =>
        value.Length == 10 && DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>strfmt.IsDateTime: a date, a 't', then hh:mm:ss[.frac] and 'z' or an offset (case-insensitive).</summary>
    public static bool IsDateTime(string value)
    {
        if (value.Length < 4)
        {
            return false;
        }

        var parts = value.ToLowerInvariant().Split('t');
        if (parts.Length < 2 || !IsDate(parts[0]))
        {
            return false;
        }

        var match = TimePattern().Match(parts[1]);
        return match.Success &&
            string.CompareOrdinal(match.Groups[1].Value, "23") <= 0 &&
            string.CompareOrdinal(match.Groups[2].Value, "59") <= 0 &&
            string.CompareOrdinal(match.Groups[3].Value, "59") <= 0;
    }

    /// <summary>net.ParseIP (sloppy: leading zeros allowed in IPv4): dotted quads, IPv6 with an optional embedded IPv4.</summary>
    public static IPAddress? ParseIp(string value)
    {
        if (value.Length == 0 || value.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }

        if (!value.Contains(':', StringComparison.Ordinal))
        {
            var octets = value.Split('.');
            if (octets.Length != 4 || octets.Any(o => o.Length is 0 or > 3 || !o.All(char.IsAsciiDigit) || int.Parse(o, CultureInfo.InvariantCulture) > 255))
            {
                return null;
            }

            return new IPAddress(octets.Select(o => byte.Parse(o, CultureInfo.InvariantCulture)).ToArray());
        }

        return IPAddress.TryParse(value, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? address : null;
    }

    private static bool IsCidr(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || ParseIp(value[..slash]) is not { } address)
        {
            return false;
        }

        var prefix = value[(slash + 1)..];
        var bits = value[..slash].Contains(':', StringComparison.Ordinal) ? 128 : 32;
        _ = address;
        return prefix.Length is > 0 and <= 3 && prefix.All(char.IsAsciiDigit) && (prefix.Length == 1 || prefix[0] != '0') &&
            int.Parse(prefix, CultureInfo.InvariantCulture) <= bits;
    }

    /// <summary>url.ParseRequestURI: an absolute URI or an absolute path, without spaces or control characters.</summary>
    private static bool IsRequestUri(string value)
    {
        if (value.Length == 0 || value.Any(c => char.IsControl(c) || c == ' '))
        {
            return false;
        }

        if (value[0] == '/')
        {
            return true;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && char.IsAsciiLetter(value[0]) &&
            value[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') &&
            Uri.TryCreate(value, UriKind.Absolute, out _);
    }

    private static bool IsHostname(string value) =>
        HostnamePattern().IsMatch(value) && value.Length <= 255 && value.Split('.').All(p => p.Length <= 63);

    private static bool IsIsbn10(string value)
    {
        var digits = value.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (!Isbn10Pattern().IsMatch(digits))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (i + 1) * (digits[i] - '0');
        }

        sum += digits[9] == 'X' ? 100 : 10 * (digits[9] - '0');
        return sum % 11 == 0;
    }

    private static bool IsIsbn13(string value)
    {
        var digits = value.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (!Isbn13Pattern().IsMatch(digits))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (i % 2 == 0 ? 1 : 3) * (digits[i] - '0');
        }

        return (10 - (sum % 10)) % 10 == digits[12] - '0';
    }

    private static bool IsCreditCard(string value)
    {
        var digits = new string(value.Where(char.IsAsciiDigit).ToArray());
        if (!CreditCardPattern().IsMatch(digits))
        {
            return false;
        }

        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var digit = digits[i] - '0';
            if (doubled)
            {
                digit *= 2;
                digit = digit > 9 ? digit - 9 : digit;
            }

            sum += digit;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    [GeneratedRegex(@"^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})\z")]
    private static partial Regex HostnamePattern();

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\z")]
    private static partial Regex UuidPattern();

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?3[0-9a-fA-F]{3}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\z")]
    private static partial Regex Uuid3Pattern();

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?4[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}\z")]
    private static partial Regex Uuid4Pattern();

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?5[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}\z")]
    private static partial Regex Uuid5Pattern();

    [GeneratedRegex(@"^(?:[0-9]{9}X|[0-9]{10})\z")]
    private static partial Regex Isbn10Pattern();

    [GeneratedRegex(@"^(?:[0-9]{13})\z")]
    private static partial Regex Isbn13Pattern();

    [GeneratedRegex(@"^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11}|6[27][0-9]{14})\z")]
    private static partial Regex CreditCardPattern();

    [GeneratedRegex(@"^[0-9]{3}[- ]?[0-9]{2}[- ]?[0-9]{4}\z")]
    private static partial Regex SsnPattern();

    [GeneratedRegex(@"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})\z")]
    private static partial Regex HexColorPattern();

    [GeneratedRegex(@"^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)\z")]
    private static partial Regex RgbColorPattern();

    [GeneratedRegex(@"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})\z")]
    private static partial Regex Base64Pattern();

    [GeneratedRegex(@"^([0-9a-fA-F]{2}[:-]){5}([0-9a-fA-F]{2})\z|^([0-9a-fA-F]{2}[:-]){7}([0-9a-fA-F]{2})\z|^([0-9a-fA-F]{2}[:-]){19}([0-9a-fA-F]{2})\z|^([0-9a-fA-F]{4}\.){2}([0-9a-fA-F]{4})\z|^([0-9a-fA-F]{4}\.){3}([0-9a-fA-F]{4})\z|^([0-9a-fA-F]{4}\.){9}([0-9a-fA-F]{4})\z")]
    private static partial Regex MacPattern();

    [GeneratedRegex(@"^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))\z")]
    private static partial Regex TimePattern();
}
