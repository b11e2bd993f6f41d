using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Interop;

/// <summary>
/// <c>zkrsync initree</c> against a tree it may not build: each case ends in one line on stderr naming the section,
/// the cause and the fix, exit code 2 (the user must fix it), and no stack trace.
/// </summary>
public sealed class InitTreeErrorTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    /// <summary>Creates argv[2] readable by anyone and changeable only by <c>other:secret</c>.</summary>
    private const string LockedNodeScript = """
        import sys
        from kazoo.client import KazooClient
        from kazoo.security import make_digest_acl, make_acl
        zk = KazooClient(hosts=sys.argv[1], auth_data=[("digest", "other:secret")])
        zk.start(timeout=30)
        zk.create(sys.argv[2], b"", acl=[make_digest_acl("other", "secret", all=True), make_acl("world", "anyone", read=True)])
        zk.stop()
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task InitTree_SectionWhoseParentIsMissingWithoutMakepath_FailsWithOneLineAndExit2()
    {
        var node = $"/it-{Guid.NewGuid():N}/missing/child";
        var line = await RunFailingAsync(node);
        Assert.Equal(
            $"zkrsync initree: error: [{node}]: the parent node {node[..node.LastIndexOf('/')]} does not exist: add a section for it, or makepath = true to [{node}]",
            line);
    }

    [Fact]
    public async Task InitTree_ExistingNodeWhoseAclLocksRootOut_FailsWithOneLineAndExit2()
    {
        var node = $"/it-{Guid.NewGuid():N}";
        (await KazooScript.RunAsync(LockedNodeScript, [zooKeeper.ConnectionString, node], null, null, CancellationToken.None)).EnsureSuccess();
        var line = await RunFailingAsync(node);
        Assert.StartsWith($"zkrsync initree: error: [{node}]: not allowed (NoAuth): the ACL of {node} or of its parent", line, StringComparison.Ordinal);
    }

    /// <summary>Runs initree with a config holding <c>[root]</c> and one section for <paramref name="node"/>; asserts
    /// exit 2, one error line and no stack trace; returns the line.</summary>
    private async Task<string> RunFailingAsync(string node)
    {
        using var scratch = new ScratchDirectory();
        var config = Path.Combine(scratch.Path, "zkinitree.cfg");
        await File.WriteAllTextAsync(config, $"""
            [root]
            passwd=admin

            [{node}]
            all=
            """);
        string line = string.Empty;
        await zooKeeper.RunWithLogOnFailureAsync(output, async () =>
        {
            await using var initree = ZkRsyncProcess.Start("initree", ["initree", "--servers", zooKeeper.ConnectionString, "--configfiles", config]);
            var exit = await initree.WaitForExitAsync(Timeout);
            output.WriteLine(initree.Output);
            Assert.Equal(ExitCodes.Usage, exit);
            var errors = initree.StandardErrorLines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).ToList();
            line = Assert.Single(errors);
            Assert.DoesNotContain(initree.StandardErrorLines.Concat(initree.StandardOutputLines), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
            Assert.DoesNotContain("Exception", initree.Output, StringComparison.Ordinal);
        });
        return line;
    }
}
