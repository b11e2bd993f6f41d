using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

public sealed class ExecutableLookupTests
{
    private static readonly HashSet<string> Executables =
    [
        "/images/worker/zkrsync", "/images/worker/usr/local/bin/tool", "/images/flat/app", "/usr/bin/zkrsync", "/usr/bin/rsync",
        "/bin/sh", "/work/run.sh", "/opt/app",
    ];

    private static string? Find(string program, string? image, string? path = "/usr/local/bin:/usr/bin:/bin") =>
        ExecutableLookup.Find(program, image, path, "/work", Executables.Contains);

    [Fact]
    public void Find_PrefersTheImageDirectoryOverThePath() =>
        Assert.Equal("/images/worker/zkrsync", Find("zkrsync", "/images/worker"));

    [Fact]
    public void Find_FallsBackToThePathInOrder() =>
        Assert.Equal("/usr/bin/rsync", Find("rsync", "/images/worker"));

    [Fact]
    public void Find_WithoutAnImageUsesThePath() =>
        Assert.Equal("/usr/bin/zkrsync", Find("zkrsync", null));

    [Fact]
    public void Find_WithNoPathUsesTheContainerDefault() =>
        Assert.Equal("/usr/bin/zkrsync", Find("zkrsync", null, path: null));

    [Fact]
    public void Find_AnAbsolutePathInTheImageComesFirst() =>
        Assert.Equal("/images/worker/usr/local/bin/tool", Find("/usr/local/bin/tool", "/images/worker"));

    [Fact]
    public void Find_AnAbsolutePathFallsBackToTheImagesFlatDirectoryThenTheHost()
    {
        Assert.Equal("/images/flat/app", Find("/usr/local/bin/app", "/images/flat"));
        Assert.Equal("/opt/app", Find("/opt/app", "/images/worker"));
    }

    [Fact]
    public void Find_ARelativePathWithASlashIsTakenFromTheWorkingDirectory() =>
        Assert.Equal("/work/run.sh", Find("./run.sh", "/images/worker"));

    [Fact]
    public void Find_NothingMatchingIsNull()
    {
        Assert.Null(Find("missing", "/images/worker"));
        Assert.Null(Find("/nowhere/missing", "/images/worker"));
    }
}
