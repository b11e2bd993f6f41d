using System.Globalization;
using System.Text;

namespace ZkSync.Worker.Walk;

/// <summary>
/// One path queue entry, <c>&lt;rec&gt;_&lt;absolute source path&gt;</c> on the wire: <c>rec</c> is 1 when the
/// directory is synced recursively, 0 when only the directory itself (its files and attributes) is.
/// Znode data is bytes, and the path part is the raw file-name bytes (Python stores non-UTF-8 names
/// with <c>surrogateescape</c>, i.e. as their raw bytes), so entries are encoded to and decoded from
/// <see cref="byte"/> arrays, never through a .NET string.
/// </summary>
public sealed record PathEntry(RawPath Path, bool Recursive)
{
    private const byte Separator = (byte)'_';

    /// <summary><c>1_&lt;path&gt;</c> or <c>0_&lt;path&gt;</c>, as bytes.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[2 + Path.Length];
        bytes[0] = Recursive ? (byte)'1' : (byte)'0';
        bytes[1] = Separator;
        Path.Bytes.CopyTo(bytes.AsSpan(2));
        return bytes;
    }

    /// <summary>
    /// Splits at the first <c>_</c> (paths may contain more) like the original's
    /// <c>encpath.split('_', 1)</c>; <c>rec</c> is an integer, non-zero meaning recursive.
    /// </summary>
    /// <exception cref="FormatException">No <c>_</c>, a rec that is not an integer, or an empty path.</exception>
    public static PathEntry Decode(ReadOnlySpan<byte> data) =>
        TryDecode(data, out var entry, out var error) ? entry : throw new FormatException(error);

    /// <summary>As <see cref="Decode"/>, without throwing.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PathEntry? entry, out string error)
    {
        entry = null;
        var at = data.IndexOf(Separator);
        if (at < 0)
        {
            error = $"path entry without '_': {SurrogateEscape.Decode(data)}";
            return false;
        }

        // Python's int() accepts surrounding whitespace and a sign; so do we.
        var recText = Encoding.ASCII.GetString(data[..at]).Trim();
        if (!int.TryParse(recText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var rec))
        {
            error = $"path entry with a non-integer recursion flag: {SurrogateEscape.Decode(data)}";
            return false;
        }

        var path = data[(at + 1)..];
        if (path.IsEmpty || path.Contains((byte)0))
        {
            error = $"path entry with an empty or NUL-containing path: {SurrogateEscape.Decode(data)}";
            return false;
        }

        entry = new PathEntry(RawPath.FromBytes(path), rec != 0);
        error = string.Empty;
        return true;
    }

    /// <summary>A queue entry's path as the original logs it (surrogate-escaped); undecodable data as it is.</summary>
    public static string DisplayOf(ReadOnlySpan<byte> entry) =>
        TryDecode(entry, out var decoded, out _) ? decoded.Path.ToString() : SurrogateEscape.Decode(entry);

    /// <summary>The wire form shown the way the original logs it (surrogate-escaped).</summary>
    public override string ToString() => (Recursive ? "1_" : "0_") + Path;
}
