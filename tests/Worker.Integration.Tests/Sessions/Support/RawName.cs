using System.Globalization;
using System.Text;

namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>
/// Raw file names written as C#-friendly text: UTF-8, with <c>\xNN</c> standing for one byte, so a
/// test can name <c>caf\xE9</c> (Latin-1, not UTF-8) in a string literal. <see cref="Key"/> turns raw bytes
/// into a lossless string (Latin-1: one char per byte) for dictionaries.
/// </summary>
public static class RawName
{
    /// <summary>Parses <c>\xNN</c> escapes; everything else is UTF-8. A lone backslash stays a backslash.</summary>
    public static byte[] Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new List<byte>(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '\\' && i + 4 <= text.Length && text[i + 1] == 'x'
                && byte.TryParse(text.AsSpan(i + 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 4;
                continue;
            }

            var next = text.IndexOf('\\', i + 1);
            var end = next < 0 ? text.Length : next;
            bytes.AddRange(Encoding.UTF8.GetBytes(text[i..end]));
            i = end;
        }

        return [.. bytes];
    }

    /// <summary>A lossless string for raw bytes (Latin-1), for dictionary keys and ordinal sorting.</summary>
    public static string Key(ReadOnlySpan<byte> raw) => Encoding.Latin1.GetString(raw);

    /// <summary>The raw bytes behind a <see cref="Key"/>.</summary>
    public static byte[] FromKey(string key) => Encoding.Latin1.GetBytes(key);

    /// <summary>For messages: printable ASCII as is, every other byte as <c>\xNN</c> (the <see cref="Parse"/> syntax).</summary>
    public static string Display(ReadOnlySpan<byte> raw) => PosixFs.Display(raw);

    /// <summary><see cref="Display"/> of a <see cref="Key"/>.</summary>
    public static string DisplayKey(string key) => Display(FromKey(key));

    /// <summary><paramref name="parent"/>/<paramref name="child"/> as raw bytes.</summary>
    public static byte[] Join(ReadOnlySpan<byte> parent, ReadOnlySpan<byte> child) => [.. parent, (byte)'/', .. child];
}
