using System.Buffers.Binary;
using ZkSync.ZooKeeper.Protocol;

namespace ZkSync.ZooKeeper.Tests.Protocol;

/// <summary>The one packet layer's pure parts: chroot translation, framing, the handshake answer, SetWatches chunks.</summary>
public sealed class PacketCodecTests
{
    [Theory]
    [InlineData(null, "/", "/")]
    [InlineData(null, "/a/b", "/a/b")]
    [InlineData("/root", "/", "/root")]
    [InlineData("/root", "/a/b", "/root/a/b")]
    public void ToServerPath_PrefixesTheChroot(string? chroot, string clientPath, string serverPath) =>
        Assert.Equal(serverPath, new PacketCodec(chroot).ToServerPath(clientPath));

    [Theory]
    [InlineData(null, "/a", "/a")]
    [InlineData("/root", "/root", "/")]
    [InlineData("/root", "/root/a/b", "/a/b")]
    [InlineData("/root", "/rootless/a", "/rootless/a")] // a sibling that merely starts with the chroot's name stays as it is
    [InlineData("/root", "/other", "/other")]
    public void ToClientPath_StripsTheChrootOnlyFromPathsUnderIt(string? chroot, string serverPath, string clientPath) =>
        Assert.Equal(clientPath, new PacketCodec(chroot).ToClientPath(serverPath));

    [Fact]
    public void ConnectRequest_CarriesTheSessionToResume_AndTheAnswerTellsAnExpiredSession()
    {
        var frame = PacketCodec.ConnectRequest(lastZxid: 0x1234, TimeSpan.FromSeconds(10), sessionId: 0x0BAD_5E55_1000_0001, new byte[16]);

        Assert.Equal(frame.Length - 4, PacketCodec.FrameLength(frame, minimum: 0));
        Assert.Equal(0x1234, BinaryPrimitives.ReadInt64BigEndian(frame.AsSpan(8)));
        Assert.Equal(10_000, BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(16)));
        Assert.Equal(0x0BAD_5E55_1000_0001, BinaryPrimitives.ReadInt64BigEndian(frame.AsSpan(20)));
        Assert.True(PacketCodec.ReadConnectResponse(ConnectResponseBody(timeoutMs: 0, sessionId: 0)).IsExpired);
        var granted = PacketCodec.ReadConnectResponse(ConnectResponseBody(timeoutMs: 4000, sessionId: 42));
        Assert.False(granted.IsExpired);
        Assert.Equal((4000, 42L), (granted.TimeoutMs, granted.SessionId));
    }

    [Theory]
    [InlineData(15)]
    [InlineData(-1)]
    [InlineData(PacketCodec.MaxFrameLength + 1)]
    public void FrameLength_NoServerWouldSend_IsAProtocolViolation(int length)
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, length);

        Assert.Throws<ProtocolViolationException>(() => PacketCodec.FrameLength(prefix));
    }

    [Fact]
    public void SetWatches_ManyPaths_AreSplitIntoFramesWellBelowTheServerLimit_AndNoneIsLost()
    {
        var data = Enumerable.Range(0, 6000).Select(i => $"/data/{i:D6}-{new string('x', 40)}").ToList();
        var exist = Enumerable.Range(0, 10).Select(i => $"/exist/{i}").ToList();
        var child = Enumerable.Range(0, 3000).Select(i => $"/child/{i:D6}-{new string('y', 40)}").ToList();

        var frames = PacketCodec.SetWatches(lastZxid: 7, (data, exist, child));

        Assert.True(frames.Count > 1);
        Assert.All(frames, frame => Assert.InRange(frame.Length, 1, PathValidation.MaxPacketLength / 4));
        var decoded = frames.Select(Decode).ToList();
        Assert.Equal(data, decoded.SelectMany(d => d.Data));
        Assert.Equal(exist, decoded.SelectMany(d => d.Exist));
        Assert.Equal(child, decoded.SelectMany(d => d.Child));

        static (List<string> Data, List<string> Exist, List<string> Child) Decode(byte[] frame)
        {
            var reader = new JuteReader(frame.AsSpan(4));
            Assert.Equal(-8, reader.ReadInt()); // the reserved SetWatches xid
            Assert.Equal(101, reader.ReadInt());
            Assert.Equal(7, reader.ReadLong());
            return (reader.ReadStringVector(), reader.ReadStringVector(), reader.ReadStringVector());
        }
    }

    private static byte[] ConnectResponseBody(int timeoutMs, long sessionId)
    {
        var writer = new JuteWriter();
        writer.WriteInt(0);
        writer.WriteInt(timeoutMs);
        writer.WriteLong(sessionId);
        writer.WriteBuffer(new byte[16]);
        return writer.ToArray();
    }
}
