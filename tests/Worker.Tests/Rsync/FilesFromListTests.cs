using ZkSync.Worker.Rsync;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Tests.Rsync;

public sealed class FilesFromListTests
{
    private static PathEntry E(string path, bool rec = false) => new(RawPath.FromString(path), rec);

    [Fact]
    public void Create_BaseItself_IsSlash()
    {
        var list = FilesFromList.Create(RawPath.FromString("/data/"), [E("/data")]);
        Assert.Equal("/\n"u8.ToArray(), list.Content);
        Assert.False(list.Recursive);
        Assert.False(list.NulSeparated);
    }

    [Fact]
    public void Create_Batch_OneRelativePathWithTrailingSlashPerLine()
    {
        var list = FilesFromList.Create(RawPath.FromString("/data"), [E("/data/a", true), E("/data/b c/d_e", true)]);
        Assert.Equal("a/\nb c/d_e/\n"u8.ToArray(), list.Content);
        Assert.True(list.Recursive);
    }

    [Fact]
    public void Create_RawBytes_AreKept()
    {
        var entry = new PathEntry(RawPath.FromBytes([(byte)'/', (byte)'d', (byte)'/', 0xE9]), false);
        Assert.Equal(new byte[] { 0xE9, (byte)'/', (byte)'\n' }, FilesFromList.Create(RawPath.FromString("/d"), [entry]).Content);
    }

    [Fact]
    public void Create_NewlineInName_SwitchesToNulSeparation()
    {
        var list = FilesFromList.Create(RawPath.FromString("/d"), [E("/d/a\nb"), E("/d/c")]);
        Assert.True(list.NulSeparated);
        Assert.Equal("a\nb/\0c/\0"u8.ToArray(), list.Content);
    }

    [Fact]
    public void Create_MixedRecursion_Throws()
    {
        Assert.Throws<ArgumentException>(() => FilesFromList.Create(RawPath.FromString("/d"), [E("/d/a", true), E("/d/b")]));
    }

    [Fact]
    public void Create_PathOutsideBase_Throws()
    {
        Assert.Throws<ArgumentException>(() => FilesFromList.Create(RawPath.FromString("/d"), [E("/other")]));
        Assert.Throws<ArgumentException>(() => FilesFromList.Create(RawPath.FromString("/d"), []));
    }

    [Fact]
    public void Create_NameStartingWithCommentCharacter_IsPrefixedWithDotSlash()
    {
        var list = FilesFromList.Create(RawPath.FromString("/d"), [E("/d/#x"), E("/d/;y"), E("/d/a#b")]);
        Assert.Equal("./#x/\n./;y/\na#b/\n"u8.ToArray(), list.Content);
    }

    [Fact]
    public void SharedParent_EntriesBelowOneTopDirectory_RunFromIt()
    {
        var entries = new[] { E("/data/d05/s00"), E("/data/d05/s01"), E("/data/d05/s02/deeper") };
        Assert.Equal("d05", FilesFromList.SharedParent(RawPath.FromString("/data/"), entries));
        var list = FilesFromList.Create(FilesFromList.Below(RawPath.FromString("/data/"), "d05"), entries);
        Assert.Equal("s00/\ns01/\ns02/deeper/\n"u8.ToArray(), list.Content);
    }

    [Theory]
    [InlineData("/data", "/data/a/x")]          // the base itself is an entry
    [InlineData("/data/a", "/data/b/x")]        // entries right below the base
    [InlineData("/data/a/x", "/data/b/x")]      // different top directories
    [InlineData("/data/a b/x", "/data/a b/y")]  // not a plain name
    [InlineData("/data/../x", "/data/../y")]    // not a plain name either
    public void SharedParent_NoneToRunFrom_IsNull(string first, string second)
    {
        Assert.Null(FilesFromList.SharedParent(RawPath.FromString("/data"), [E(first), E(second)]));
    }

    [Fact]
    public void SharedParent_NotUtf8_IsNull()
    {
        var entry = new PathEntry(RawPath.FromBytes([.. "/d/"u8, 0xE9, .. "/x"u8]), false);
        Assert.Null(FilesFromList.SharedParent(RawPath.FromString("/d"), [entry]));
    }
}
