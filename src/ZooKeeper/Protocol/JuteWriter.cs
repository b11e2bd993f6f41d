using System.Buffers.Binary;
using System.Text;

namespace ZkSync.ZooKeeper.Protocol;

/// <summary>Big-endian jute encoder into a growable buffer; one instance builds one framed packet.</summary>
internal sealed class JuteWriter
{
    private byte[] _buffer;
    private int _length;

    public JuteWriter(int capacity = 128) => _buffer = new byte[capacity];

    public int Length => _length;

    public void WriteInt(int value)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteLong(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteBool(bool value)
    {
        Ensure(1);
        _buffer[_length++] = value ? (byte)1 : (byte)0;
    }

    public void WriteBuffer(ReadOnlySpan<byte> value)
    {
        WriteInt(value.Length);
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    public void WriteNullBuffer() => WriteInt(-1);

    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt(-1);
            return;
        }

        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteInt(byteCount);
        Ensure(byteCount);
        Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
        _length += byteCount;
    }

    public void WriteStringVector(IReadOnlyCollection<string> values)
    {
        WriteInt(values.Count);
        foreach (var value in values)
        {
            WriteString(value);
        }
    }

    public void WriteAcl(Acl acl)
    {
        WriteInt((int)acl.Permissions);
        WriteString(acl.Scheme);
        WriteString(acl.Id);
    }

    public void WriteAclVector(IReadOnlyCollection<Acl> acl)
    {
        WriteInt(acl.Count);
        foreach (var entry in acl)
        {
            WriteAcl(entry);
        }
    }

    /// <summary>Overwrites four bytes already written, e.g. the frame length or the xid.</summary>
    public void PatchInt(int offset, int value) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(offset), value);

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length)
        {
            return;
        }

        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
    }
}
