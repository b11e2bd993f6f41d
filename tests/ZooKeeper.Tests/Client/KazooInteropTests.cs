using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Tests.Support;
using static ZkSync.ZooKeeper.Tests.Support.TestData;

namespace ZkSync.ZooKeeper.Tests.Client;

/// <summary>Digest ACLs made by one client are honoured for the other: ours and Debian's kazoo.</summary>
public sealed class KazooInteropTests(ClientServerFixture fixture, ITestOutputHelper output) : IClassFixture<ClientServerFixture>
{
    /// <summary>argv: hosts path [user password]. Prints the node's data, or NoAuthError.</summary>
    private const string KazooRead = """
        import sys
        from kazoo.client import KazooClient
        from kazoo.exceptions import NoAuthError
        hosts, path = sys.argv[1:3]
        auth = [("digest", "%s:%s" % (sys.argv[3], sys.argv[4]))] if len(sys.argv) > 4 else None
        zk = KazooClient(hosts=hosts, timeout=10.0, auth_data=auth)
        zk.start(timeout=30)
        try:
            print(zk.get(path)[0].decode())
        except NoAuthError:
            print("NoAuthError")
        zk.stop()
        zk.close()
        """;

    /// <summary>argv: hosts path user password data. Creates the node with make_digest_acl(all=True).</summary>
    private const string KazooCreate = """
        import sys
        from kazoo.client import KazooClient
        from kazoo.security import make_digest_acl
        hosts, path, user, password, data = sys.argv[1:6]
        zk = KazooClient(hosts=hosts, timeout=10.0)
        zk.start(timeout=30)
        zk.create(path, data.encode(), acl=[make_digest_acl(user, password, all=True)])
        zk.stop()
        zk.close()
        """;

    [Fact]
    public Task NodeWithOurDigestAcl_IsReadableByKazooWithTheSameCredentials_AndRefusedWithout() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/ours", Utf8("from dotnet"), [Acl.Digest("dave", "s3cret:pw", Permissions.All)], CreateMode.Persistent, t.Token);

            var withAuth = await KazooScript.RunAsync(KazooRead, [t.Chroot.ConnectionString, "/ours", "dave", "s3cret:pw"], null, null, t.Token);
            var withoutAuth = await KazooScript.RunAsync(KazooRead, [t.Chroot.ConnectionString, "/ours"], null, null, t.Token);
            var wrongPassword = await KazooScript.RunAsync(KazooRead, [t.Chroot.ConnectionString, "/ours", "dave", "guess"], null, null, t.Token);

            Assert.Equal("from dotnet", withAuth.EnsureSuccess().StandardOutput.Trim());
            Assert.Equal("NoAuthError", withoutAuth.EnsureSuccess().StandardOutput.Trim());
            Assert.Equal("NoAuthError", wrongPassword.EnsureSuccess().StandardOutput.Trim());
        });

    [Fact]
    public Task NodeWithKazoosDigestAcl_IsReadableByUsWithTheSameCredentials_AndRefusedWithout() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            (await KazooScript.RunAsync(KazooCreate, [t.Chroot.ConnectionString, "/theirs", "erin", "pässword", "from kazoo"], null, null, t.Token))
                .EnsureSuccess();

            await Assert.ThrowsAsync<NoAuthException>(() => t.Client.GetDataAsync("/theirs", cancellationToken: t.Token));
            await t.Client.AddDigestAuthAsync("erin", "pässword", t.Token);
            var read = await t.Client.GetDataAsync("/theirs", cancellationToken: t.Token);
            var acl = await t.Client.GetAclAsync("/theirs", t.Token);

            Assert.Equal("from kazoo", Text(read.Data));
            Assert.Equal([Acl.Digest("erin", "pässword", Permissions.All)], acl.Acl);
        });
}
