using System.Text;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Tests.Walk;

public sealed class RawPathTests
{
    [Fact]
    public void ToString_InvalidUtf8_UsesPythonSurrogateEscape()
    {
        var path = RawPath.FromBytes([(byte)'/', (byte)'a', 0xFF, 0xE9, (byte)'b']);
        Assert.Equal("/a\udcff\udce9b", path.ToString());
        Assert.False(path.IsValidUtf8);
    }

    [Fact]
    public void FromString_RoundTripsEveryByte()
    {
        var all = Enumerable.Range(1, 255).Select(i => (byte)i).ToArray();
        var path = RawPath.FromBytes(all);
        Assert.Equal(all, RawPath.FromString(path.ToString()).ToArray());
    }

    [Fact]
    public void SurrogateEscape_TruncatedSequence_EscapesEachByteLikePython()
    {
        // b'\xe2\x82A'.decode('utf-8', 'surrogateescape') == '\udce2\udc82A'
        Assert.Equal("\udce2\udc82A", SurrogateEscape.Decode([0xE2, 0x82, (byte)'A']));
        Assert.Equal("€", SurrogateEscape.Decode([0xE2, 0x82, 0xAC]));
    }

    [Fact]
    public void SurrogateEscape_EncodedSurrogateBytes_AreEscaped()
    {
        // UTF-8 for U+D800 is not valid UTF-8: Python escapes the three bytes.
        Assert.Equal("\udced\udca0\udc80", SurrogateEscape.Decode([0xED, 0xA0, 0x80]));
    }

    [Fact]
    public void SurrogateEscape_LoneSurrogateOutsideEscapeRange_Throws()
    {
        Assert.Throws<ArgumentException>(() => SurrogateEscape.Encode("\ud800"));
    }

    [Fact]
    public void FromBytes_Nul_Throws()
    {
        Assert.Throws<ArgumentException>(() => RawPath.FromBytes([(byte)'a', 0]));
    }

    [Fact]
    public void SeparatorCount_CountsSlashesLikeTheOriginal()
    {
        Assert.Equal(3, RawPath.FromString("/a/b/c").SeparatorCount);
    }

    [Fact]
    public void TrimEndSeparators_RemovesTrailingSlashes()
    {
        Assert.Equal("/a", RawPath.FromString("/a///").TrimEndSeparators().ToString());
        Assert.Equal(string.Empty, RawPath.FromString("/").TrimEndSeparators().ToString());
    }

    [Fact]
    public void Append_AddsOneSeparator()
    {
        Assert.Equal("/a/b", RawPath.FromString("/a").Append("b"u8).ToString());
        Assert.Equal("/a/b", RawPath.FromString("/a/").Append("b"u8).ToString());
        Assert.Throws<ArgumentException>(() => RawPath.FromString("/a").Append("b/c"u8));
    }

    [Fact]
    public void IsSameOrBelow_ComparesWholeComponents()
    {
        var parent = RawPath.FromString("/data/x");
        Assert.True(RawPath.FromString("/data/x").IsSameOrBelow(parent));
        Assert.True(RawPath.FromString("/data/x/y").IsSameOrBelow(parent));
        Assert.False(RawPath.FromString("/data/xy").IsSameOrBelow(parent));
        Assert.True(RawPath.FromString("/data/xy").StartsWith(parent));
    }

    [Fact]
    public void Equality_IsByBytes()
    {
        Assert.Equal(RawPath.FromBytes(Encoding.UTF8.GetBytes("/é")), RawPath.FromString("/é"));
        Assert.NotEqual(RawPath.FromBytes([0xE9]), RawPath.FromString("é"));
        Assert.True(RawPath.FromString("/a") == RawPath.FromString("/a"));
    }
}
