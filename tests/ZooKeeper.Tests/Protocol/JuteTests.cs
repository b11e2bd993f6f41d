using ZkSync.ZooKeeper.Protocol;

namespace ZkSync.ZooKeeper.Tests.Protocol;

public sealed class JuteTests
{
    [Fact]
    public void WriteInt_WritesBigEndian_AndReadIntReadsItBack()
    {
        var writer = new JuteWriter(1);
        writer.WriteInt(0x01020304);
        writer.WriteInt(-2);

        var bytes = writer.ToArray();
        var reader = new JuteReader(bytes);

        Assert.Equal([1, 2, 3, 4, 0xFF, 0xFF, 0xFF, 0xFE], bytes);
        Assert.Equal(0x01020304, reader.ReadInt());
        Assert.Equal(-2, reader.ReadInt());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Primitives_RoundTrip()
    {
        var writer = new JuteWriter(4);
        writer.WriteLong(long.MinValue);
        writer.WriteLong(0x0102030405060708);
        writer.WriteBool(true);
        writer.WriteBool(false);
        writer.WriteInt(int.MaxValue);

        var reader = new JuteReader(writer.ToArray());

        Assert.Equal(long.MinValue, reader.ReadLong());
        Assert.Equal(0x0102030405060708, reader.ReadLong());
        Assert.True(reader.ReadBool());
        Assert.False(reader.ReadBool());
        Assert.Equal(int.MaxValue, reader.ReadInt());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Buffers_RoundTrip_IncludingEmptyAndNull()
    {
        var writer = new JuteWriter(2);
        writer.WriteBuffer([1, 2, 3]);
        writer.WriteBuffer([]);
        writer.WriteNullBuffer();

        var bytes = writer.ToArray();
        var reader = new JuteReader(bytes);

        Assert.Equal([0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF], bytes);
        Assert.Equal([1, 2, 3], reader.ReadBuffer()!);
        Assert.Equal([], reader.ReadBuffer()!);
        Assert.Null(reader.ReadBuffer());
    }

    [Fact]
    public void Strings_RoundTripAsUtf8_IncludingNull()
    {
        var writer = new JuteWriter(2);
        writer.WriteString("/zk/ünïcødé/€");
        writer.WriteString(string.Empty);
        writer.WriteString(null);

        var bytes = writer.ToArray();
        var reader = new JuteReader(bytes);

        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount("/zk/ünïcødé/€"), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes));
        Assert.Equal("/zk/ünïcødé/€", reader.ReadString());
        Assert.Equal(string.Empty, reader.ReadString());
        Assert.Null(reader.ReadString());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void StringVector_RoundTrips()
    {
        var writer = new JuteWriter();
        writer.WriteStringVector(["a", "bc", string.Empty]);
        writer.WriteStringVector([]);

        var reader = new JuteReader(writer.ToArray());

        Assert.Equal(["a", "bc", string.Empty], reader.ReadStringVector());
        Assert.Empty(reader.ReadStringVector());
    }

    [Fact]
    public void AclVector_RoundTrips()
    {
        IReadOnlyList<Acl> acl = [Acl.World(Permissions.Read), Acl.Digest("user", "secret", Permissions.All), Acl.Ip("10.0.0.0/8", Permissions.Write | Permissions.Create)];
        var writer = new JuteWriter();
        writer.WriteAclVector([.. acl]);

        var reader = new JuteReader(writer.ToArray());

        Assert.Equal(acl, reader.ReadAclVector());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void ReadStat_ReadsTheElevenFieldsInWireOrder()
    {
        var writer = new JuteWriter();
        writer.WriteLong(1); // czxid
        writer.WriteLong(2); // mzxid
        writer.WriteLong(3); // ctime
        writer.WriteLong(4); // mtime
        writer.WriteInt(5); // version
        writer.WriteInt(6); // cversion
        writer.WriteInt(7); // aversion
        writer.WriteLong(8); // ephemeralOwner
        writer.WriteInt(9); // dataLength
        writer.WriteInt(10); // numChildren
        writer.WriteLong(11); // pzxid

        var reader = new JuteReader(writer.ToArray());

        Assert.Equal(new Stat(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), reader.ReadStat());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void PatchInt_OverwritesAnIntAlreadyWritten()
    {
        var writer = new JuteWriter();
        writer.WriteInt(0);
        writer.WriteString("body");
        writer.PatchInt(0, writer.Length - 4);

        var reader = new JuteReader(writer.ToArray());

        Assert.Equal(8, reader.ReadInt());
        Assert.Equal("body", reader.ReadString());
    }

    [Fact]
    public void Writer_GrowsPastItsInitialCapacity()
    {
        var data = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        var writer = new JuteWriter(1);
        writer.WriteBuffer(data);

        var reader = new JuteReader(writer.ToArray());

        Assert.Equal(data, reader.ReadBuffer()!);
    }

    [Fact]
    public void Read_WhenTheFrameIsTruncated_ThrowsProtocolViolation()
    {
        byte[] threeBytes = [0, 0, 1];
        byte[] stringLongerThanFrame = [0, 0, 0, 9, (byte)'a', (byte)'b'];
        byte[] bufferLongerThanFrame = [0, 0, 0, 5, 1];
        byte[] vectorShortOfItems = [0, 0, 0, 2, 0, 0, 0, 1, (byte)'x'];

        Assert.Throws<ProtocolViolationException>(() => new JuteReader(threeBytes).ReadInt());
        Assert.Throws<ProtocolViolationException>(() => new JuteReader(new byte[7]).ReadLong());
        Assert.Throws<ProtocolViolationException>(() => new JuteReader([]).ReadBool());
        Assert.Throws<ProtocolViolationException>(() => new JuteReader(stringLongerThanFrame).ReadString());
        Assert.Throws<ProtocolViolationException>(() => new JuteReader(bufferLongerThanFrame).ReadBuffer());
        Assert.Throws<ProtocolViolationException>(() => new JuteReader(vectorShortOfItems).ReadStringVector());
        Assert.Throws<ProtocolViolationException>(() => new JuteReader(new byte[67]).ReadStat());
    }

    [Fact]
    public void Read_AfterATruncationError_ReportsWhereTheFrameEnded()
    {
        var failure = Assert.Throws<ProtocolViolationException>(() =>
        {
            var reader = new JuteReader([0, 0, 0, 1, 0, 0]);
            _ = reader.ReadInt();
            return reader.ReadInt();
        });

        Assert.Contains("offset 4 of 6", failure.Message, StringComparison.Ordinal);
    }
}
