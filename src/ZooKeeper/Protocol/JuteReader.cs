using System.Buffers.Binary;
using System.Text;

namespace ZkSync.ZooKeeper.Protocol;

/// <summary>Big-endian jute decoder over one received frame; throws <see cref="ProtocolViolationException"/> on truncation.</summary>
internal ref struct JuteReader
{
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public JuteReader(ReadOnlySpan<byte> span)
    {
        _span = span;
        _position = 0;
    }

    public readonly int Remaining => _span.Length - _position;

    public int ReadInt()
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(Take(4));
        return value;
    }

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public bool ReadBool() => Take(1)[0] != 0;

    public byte[]? ReadBuffer()
    {
        var length = ReadInt();
        return length < 0 ? null : Take(length).ToArray();
    }

    public string? ReadString()
    {
        var length = ReadInt();
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    public List<string> ReadStringVector()
    {
        var count = ReadInt();
        var list = new List<string>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadString() ?? string.Empty);
        }

        return list;
    }

    public Stat ReadStat() => new(
        Czxid: ReadLong(),
        Mzxid: ReadLong(),
        Ctime: ReadLong(),
        Mtime: ReadLong(),
        Version: ReadInt(),
        Cversion: ReadInt(),
        Aversion: ReadInt(),
        EphemeralOwner: ReadLong(),
        DataLength: ReadInt(),
        NumChildren: ReadInt(),
        Pzxid: ReadLong());

    public List<Acl> ReadAclVector()
    {
        var count = ReadInt();
        var list = new List<Acl>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            var permissions = (Permissions)ReadInt();
            var scheme = ReadString() ?? string.Empty;
            var id = ReadString() ?? string.Empty;
            list.Add(new Acl(permissions, scheme, id));
        }

        return list;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _span.Length)
        {
            throw new ProtocolViolationException($"Truncated ZooKeeper frame: wanted {count} bytes at offset {_position} of {_span.Length}.");
        }

        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }
}
