using System.Text;

namespace ZkSync.Worker.Walk;

/// <summary>
/// A file system path as the raw bytes the kernel knows, so names that are not valid UTF-8 survive the
/// walk, the path queue and rsync's files-from list unchanged. <see cref="ToString"/> shows it the way
/// Python's <c>surrogateescape</c> does (every undecodable byte b becomes U+DC00+b), which is also what
/// <c>--excludere</c> is matched against, exactly as in the original.
/// </summary>
public sealed class RawPath : IEquatable<RawPath>, IComparable<RawPath>
{
    private const byte Slash = (byte)'/';
    private readonly byte[] _bytes;

    private RawPath(byte[] bytes) => _bytes = bytes;

    /// <summary>The raw bytes (no terminating NUL).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Number of bytes.</summary>
    public int Length => _bytes.Length;

    /// <summary>Number of <c>/</c> bytes: the original's path "depth" (<c>path.count(os.path.sep)</c>).</summary>
    public int SeparatorCount => _bytes.AsSpan().Count(Slash);

    /// <summary>True when the bytes are valid UTF-8 (the path has an exact .NET string form).</summary>
    public bool IsValidUtf8 => System.Text.Unicode.Utf8.IsValid(_bytes);

    /// <summary>Copies the bytes.</summary>
    public static RawPath FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Contains((byte)0))
        {
            throw new ArgumentException("a path cannot contain a NUL byte", nameof(bytes));
        }

        return new RawPath(bytes.ToArray());
    }

    /// <summary>
    /// From a string, inverting <see cref="ToString"/>: lone surrogates U+DC80..U+DCFF become the byte they
    /// escape, everything else is UTF-8.
    /// </summary>
    public static RawPath FromString(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return FromBytes(SurrogateEscape.Encode(path));
    }

    /// <summary>The Python <c>surrogateescape</c> decoding of the bytes.</summary>
    public override string ToString() => SurrogateEscape.Decode(_bytes);

    /// <summary>A copy of the bytes.</summary>
    public byte[] ToArray() => (byte[])_bytes.Clone();

    /// <summary>The bytes followed by a NUL, for P/Invoke.</summary>
    internal byte[] ToNullTerminated()
    {
        var z = new byte[_bytes.Length + 1];
        _bytes.CopyTo(z, 0);
        return z;
    }

    /// <summary>Trailing <c>/</c> removed, like Python's <c>rstrip(os.path.sep)</c> (<c>/</c> becomes empty).</summary>
    public RawPath TrimEndSeparators()
    {
        var span = _bytes.AsSpan().TrimEnd(Slash);
        return span.Length == _bytes.Length ? this : new RawPath(span.ToArray());
    }

    /// <summary><c>this + "/" + name</c> (what <c>os.path.join(root, name)</c> gives for a plain name).</summary>
    public RawPath Append(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Contains(Slash) || name.Contains((byte)0))
        {
            throw new ArgumentException("a name must be non-empty and contain neither '/' nor NUL", nameof(name));
        }

        var needSlash = _bytes.Length == 0 || _bytes[^1] != Slash;
        var result = new byte[_bytes.Length + (needSlash ? 1 : 0) + name.Length];
        _bytes.CopyTo(result, 0);
        var at = _bytes.Length;
        if (needSlash)
        {
            result[at++] = Slash;
        }

        name.CopyTo(result.AsSpan(at));
        return new RawPath(result);
    }

    /// <summary>True when this path equals <paramref name="ancestor"/> or lies below it (whole components).</summary>
    public bool IsSameOrBelow(RawPath ancestor)
    {
        ArgumentNullException.ThrowIfNull(ancestor);
        var a = ancestor._bytes.AsSpan().TrimEnd(Slash);
        var me = _bytes.AsSpan();
        if (!me.StartsWith(a))
        {
            return false;
        }

        return me.Length == a.Length || me[a.Length] == Slash;
    }

    /// <summary>True when the bytes start with <paramref name="prefix"/> (a plain byte prefix, like Python's startswith).</summary>
    public bool StartsWith(RawPath prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return _bytes.AsSpan().StartsWith(prefix._bytes);
    }

    /// <summary>The bytes after the first <paramref name="count"/> bytes.</summary>
    public ReadOnlySpan<byte> Slice(int count) => _bytes.AsSpan(count);

    public bool Equals(RawPath? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => obj is RawPath other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    /// <summary>Ordinal byte order (what <c>LC_ALL=C ls</c> shows).</summary>
    public int CompareTo(RawPath? other) => other is null ? 1 : _bytes.AsSpan().SequenceCompareTo(other._bytes);

    public static bool operator ==(RawPath? left, RawPath? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(RawPath? left, RawPath? right) => !(left == right);
}
