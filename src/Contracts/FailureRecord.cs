using System.Text;

namespace ZkSync.Contracts;

/// <summary>
/// The data of a node under <c>S/failures</c> (our addition to the wire format): the failed path's queue entry
/// exactly as queued (<c>&lt;rec&gt;_&lt;path&gt;</c>, raw bytes: paths need not be UTF-8), a NUL byte (no path
/// holds one), then the error in UTF-8 (one line). Original workers neither write nor read it.
/// </summary>
public sealed record FailureRecord(byte[] Entry, string Error)
{
    /// <summary>Errors are cut to this many characters (one line of a status, not a log).</summary>
    public const int MaxErrorLength = 500;

    public byte[] ToBytes()
    {
        var error = Encoding.UTF8.GetBytes(OneLine(Error));
        var bytes = new byte[Entry.Length + 1 + error.Length];
        Entry.CopyTo(bytes, 0);
        error.CopyTo(bytes, Entry.Length + 1);
        return bytes;
    }

    /// <summary>Null for data that holds no NUL (not a failure record).</summary>
    public static FailureRecord? FromBytes(ReadOnlySpan<byte> data)
    {
        var nul = data.IndexOf((byte)0);
        return nul < 0 ? null : new FailureRecord(data[..nul].ToArray(), Encoding.UTF8.GetString(data[(nul + 1)..]));
    }

    /// <summary>Line breaks and tabs become spaces, runs of spaces one, at most <see cref="MaxErrorLength"/> characters.</summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(Math.Min(text.Length, MaxErrorLength));
        foreach (var c in text.Trim())
        {
            var ch = char.IsControl(c) || char.IsWhiteSpace(c) ? ' ' : c;
            if (ch == ' ' && builder.Length > 0 && builder[^1] == ' ')
            {
                continue;
            }

            builder.Append(ch);
        }

        return builder.Length <= MaxErrorLength ? builder.ToString() : builder.ToString(0, MaxErrorLength - 1) + "…";
    }
}
