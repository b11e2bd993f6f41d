using System.Text;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Tests.Walk;

public sealed class PathEntryTests
{
    [Fact]
    public void Encode_WritesRecUnderscorePath()
    {
        Assert.Equal("0_/tree/c1"u8.ToArray(), new PathEntry(RawPath.FromString("/tree/c1"), false).Encode());
        Assert.Equal("1_/tree/b1/bb2/.snapshots"u8.ToArray(), new PathEntry(RawPath.FromString("/tree/b1/bb2/.snapshots"), true).Encode());
    }

    [Fact]
    public void Decode_SplitsAtFirstUnderscoreOnly()
    {
        var entry = PathEntry.Decode("1_/data/a_b/c_d"u8);
        Assert.True(entry.Recursive);
        Assert.Equal("/data/a_b/c_d", entry.Path.ToString());
    }

    [Fact]
    public void Decode_RawNonUtf8Bytes_RoundTrip()
    {
        byte[] wire = [(byte)'0', (byte)'_', (byte)'/', 0xFF, 0xFE, (byte)'x'];
        var entry = PathEntry.Decode(wire);
        Assert.False(entry.Recursive);
        Assert.Equal(wire[2..], entry.Path.ToArray());
        Assert.Equal(wire, entry.Encode());
    }

    [Fact]
    public void Decode_SurrogateEscapedPythonBytes_AreTheSameAsRawBytes()
    {
        // Python: "0_/caf\udce9".encode("utf-8", "surrogateescape") == b"0_/caf\xe9"
        var python = SurrogateEscape.Encode("0_/caf\udce9");
        Assert.Equal([(byte)'0', (byte)'_', (byte)'/', (byte)'c', (byte)'a', (byte)'f', 0xE9], python);
        Assert.Equal("/caf\udce9", PathEntry.Decode(python).Path.ToString());
    }

    [Theory]
    [InlineData("nounderscore")]
    [InlineData("x_/path")]
    [InlineData("1_")]
    [InlineData("")]
    public void TryDecode_Malformed_ReturnsFalseWithReason(string text)
    {
        Assert.False(PathEntry.TryDecode(Encoding.UTF8.GetBytes(text), out var entry, out var error));
        Assert.Null(entry);
        Assert.NotEmpty(error);
        Assert.Throws<FormatException>(() => PathEntry.Decode(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Decode_NonZeroRec_IsRecursive()
    {
        Assert.True(PathEntry.Decode("2_/p"u8).Recursive);
    }
}
