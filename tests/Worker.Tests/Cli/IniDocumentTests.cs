using ZkSync.Worker.Cli;

namespace ZkSync.Worker.Tests.Cli;

public sealed class IniDocumentTests
{
    private static IniDocument Read(string text)
    {
        var doc = new IniDocument();
        doc.Read(text, "test.cfg");
        return doc;
    }

    [Fact]
    public void Read_SectionsKeysCommentsAndContinuations()
    {
        var doc = Read("# comment\n[MAIN]\n; other comment\nservers = a:1,\n  b:2\nUser: Bob\nempty=\n\n[/admin]\nr=user5\n");
        Assert.Equal(["MAIN", "/admin"], doc.Sections);
        Assert.Equal(
            [new("servers", "a:1,\nb:2"), new("User", "Bob"), new("empty", string.Empty)],
            doc.Items("MAIN"));
        Assert.Equal("user5", doc.Items("/admin").Single().Value);
    }

    [Fact]
    public void Items_InheritDefaultAndInterpolate()
    {
        var doc = Read("[DEFAULT]\nbase = /data\n[MAIN]\nrsyncpath = %(base)s/x\nlogfile = /tmp/%%(pid)s.log\n[raw_x]\nt = %(pid)s\n");
        var main = doc.Items("MAIN").ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("/data/x", main["rsyncpath"]);
        Assert.Equal("/tmp/%(pid)s.log", main["logfile"]);
        Assert.Equal("/data", main["base"]);
        Assert.Equal("%(pid)s", doc.Items("raw_x").First(kv => kv.Key == "t").Value);
        Assert.DoesNotContain("DEFAULT", doc.Sections);
    }

    [Theory]
    [InlineData("[MAIN]\nrsyncpath = %(nope)s\n", "refers to no key")]
    [InlineData("[MAIN]\nx = 50%\n", "'%%'")]
    [InlineData("orphan = 1\n", "outside any [section]")]
    [InlineData("[MAIN]\njustakey\n", "expected 'key = value'")]
    [InlineData("[MAIN]\na=1\na=2\n", "appears twice")]
    [InlineData("[MAIN]\n[MAIN]\n", "appears twice")]
    public void Errors_AreUsageErrorsWithFileAndLine(string text, string expected)
    {
        var e = Assert.Throws<UsageException>(() => Read(text).Items("MAIN"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SecondFile_OverridesKeys()
    {
        var doc = Read("[MAIN]\na = 1\nb = 2\n");
        doc.Read("[MAIN]\na = 3\n", "second.cfg");
        var main = doc.Items("MAIN").ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(("3", "2"), (main["a"], main["b"]));
    }
}
