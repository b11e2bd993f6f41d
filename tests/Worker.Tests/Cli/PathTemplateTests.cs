using ZkSync.Worker.Cli;

namespace ZkSync.Worker.Tests.Cli;

public sealed class PathTemplateTests
{
    [Fact]
    public void Expand_ReplacesTheOriginalKeys()
    {
        Assert.Equal("/tmp/zkrsync/s1-source-42.log",
            PathTemplate.Expand(ZkRsyncOptionsParser.DefaultLogFile, "s1", "source", 42));
        Assert.Equal("/x/100%", PathTemplate.Expand("/x/100%%", "s", "dest", 1));
    }

    [Theory]
    [InlineData("/x/%(host)s")]
    [InlineData("/x/%d")]
    [InlineData("/x/%")]
    public void Expand_UnknownKey_IsAUsageError(string template)
    {
        Assert.Throws<UsageException>(() => PathTemplate.Expand(template, "s", "dest", 1));
    }
}
