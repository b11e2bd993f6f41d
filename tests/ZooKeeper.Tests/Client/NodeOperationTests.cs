using Xunit.Abstractions;
using ZkSync.ZooKeeper.Tests.Support;
using static ZkSync.ZooKeeper.Tests.Support.TestData;

namespace ZkSync.ZooKeeper.Tests.Client;

public sealed class NodeOperationTests(ClientServerFixture fixture, ITestOutputHelper output) : IClassFixture<ClientServerFixture>
{
    [Fact]
    public Task Delete_WithTheCurrentVersion_DeletesTheNode() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/n", Utf8("a"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var stat = await t.Client.SetDataAsync("/n", Utf8("b"), cancellationToken: t.Token);

            await t.Client.DeleteAsync("/n", stat.Version, t.Token);

            Assert.Null(await t.Client.ExistsAsync("/n", cancellationToken: t.Token));
        });

    [Fact]
    public Task Delete_WithAStaleVersion_ThrowsBadVersionAndKeepsTheNode() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/n", Utf8("a"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.SetDataAsync("/n", Utf8("b"), 0, t.Token);

            var failure = await Assert.ThrowsAsync<BadVersionException>(() => t.Client.DeleteAsync("/n", 0, t.Token));

            Assert.Equal("/n", failure.Path);
            Assert.NotNull(await t.Client.ExistsAsync("/n", cancellationToken: t.Token));
        });

    [Fact]
    public Task Delete_AnyVersion_DeletesWhateverTheVersion() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/n", Utf8("a"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.SetDataAsync("/n", Utf8("b"), cancellationToken: t.Token);

            await t.Client.DeleteAsync("/n", -1, t.Token);

            Assert.Null(await t.Client.ExistsAsync("/n", cancellationToken: t.Token));
        });

    [Fact]
    public Task Delete_MissingNode_ThrowsNoNode() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await Assert.ThrowsAsync<NoNodeException>(() => t.Client.DeleteAsync("/missing", cancellationToken: t.Token));
        });

    [Fact]
    public Task Delete_NodeWithChildren_ThrowsNotEmpty() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/parent", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.CreateAsync("/parent/child", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            await Assert.ThrowsAsync<NotEmptyException>(() => t.Client.DeleteAsync("/parent", cancellationToken: t.Token));
        });

    [Fact]
    public Task Exists_MissingNode_ReturnsNull_AndExistingNodeItsStat() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var created = await t.Client.CreateWithStatAsync("/here", Utf8("abc"), Acl.OpenUnsafe, CreateMode.Persistent, cancellationToken: t.Token);

            Assert.Null(await t.Client.ExistsAsync("/missing", cancellationToken: t.Token));
            Assert.Null(await t.Client.ExistsAsync("/missing/deeper", cancellationToken: t.Token));
            Assert.Equal(created.Stat, await t.Client.ExistsAsync("/here", cancellationToken: t.Token));
        });

    [Fact]
    public Task GetData_ReturnsTheDataAndStat() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/n", Utf8("hello"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.CreateAsync("/empty", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            var read = await t.Client.GetDataAsync("/n", cancellationToken: t.Token);
            var empty = await t.Client.GetDataAsync("/empty", cancellationToken: t.Token);

            Assert.Equal("hello", Text(read.Data));
            Assert.Equal(5, read.Stat.DataLength);
            Assert.Equal(0, read.Stat.Version);
            Assert.Empty(empty.Data);
            Assert.Equal(0, empty.Stat.DataLength);
        });

    [Fact]
    public Task GetData_MissingNode_ThrowsNoNode() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var failure = await Assert.ThrowsAsync<NoNodeException>(() => t.Client.GetDataAsync("/missing", cancellationToken: t.Token));

            Assert.Equal("/missing", failure.Path);
        });

    [Fact]
    public Task SetData_WithTheCurrentVersion_ReplacesTheDataAndBumpsTheVersion() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/n", Utf8("one"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            var first = await t.Client.SetDataAsync("/n", Utf8("two"), 0, t.Token);
            var second = await t.Client.SetDataAsync("/n", Utf8("three!"), 1, t.Token);

            var read = await t.Client.GetDataAsync("/n", cancellationToken: t.Token);
            Assert.Equal(1, first.Version);
            Assert.Equal(2, second.Version);
            Assert.Equal(6, second.DataLength);
            Assert.Equal("three!", Text(read.Data));
            Assert.Equal(second, read.Stat);
        });

    [Fact]
    public Task SetData_WithAStaleVersion_ThrowsBadVersionAndKeepsTheData() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/n", Utf8("one"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.SetDataAsync("/n", Utf8("two"), 0, t.Token);

            var failure = await Assert.ThrowsAsync<BadVersionException>(() => t.Client.SetDataAsync("/n", Utf8("lost"), 0, t.Token));

            Assert.Equal("/n", failure.Path);
            Assert.Equal("two", Text((await t.Client.GetDataAsync("/n", cancellationToken: t.Token)).Data));
        });

    [Fact]
    public Task SetData_MissingNode_ThrowsNoNode() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await Assert.ThrowsAsync<NoNodeException>(() => t.Client.SetDataAsync("/missing", Utf8("x"), cancellationToken: t.Token));
        });

    [Fact]
    public Task GetChildren_ReturnsTheNamesAndTheParentsStat() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/p", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            foreach (var name in new[] { "c", "a", "b" })
            {
                await t.Client.CreateAsync($"/p/{name}", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            }

            await t.Client.DeleteAsync("/p/b", cancellationToken: t.Token);

            var children = await t.Client.GetChildrenAsync("/p", cancellationToken: t.Token);
            var leaf = await t.Client.GetChildrenAsync("/p/a", cancellationToken: t.Token);
            Assert.Equal(["a", "c"], children.Children.Order());
            Assert.Equal(2, children.Stat.NumChildren);
            Assert.Equal(4, children.Stat.Cversion);
            Assert.Empty(leaf.Children);
            await Assert.ThrowsAsync<NoNodeException>(() => t.Client.GetChildrenAsync("/missing", cancellationToken: t.Token));
        });

    [Fact]
    public Task GetAcl_ReturnsTheAclGivenAtCreation() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            IReadOnlyList<Acl> acl = [Acl.World(Permissions.Read | Permissions.Write), Acl.Digest("admin", "pw", Permissions.All)];
            await t.Client.CreateAsync("/n", ReadOnlyMemory<byte>.Empty, acl, CreateMode.Persistent, t.Token);
            await t.Client.AddDigestAuthAsync("admin", "pw", t.Token);

            var result = await t.Client.GetAclAsync("/n", t.Token);

            Assert.Equal(acl, result.Acl);
            Assert.Equal(0, result.Stat.Aversion);
            await Assert.ThrowsAsync<NoNodeException>(() => t.Client.GetAclAsync("/missing", t.Token));
        });

    [Fact]
    public Task GetAcl_WithoutAdminPermission_GetsDigestIdsRedacted() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/n", ReadOnlyMemory<byte>.Empty, [Acl.World(Permissions.Read), Acl.Digest("admin", "pw", Permissions.All)], CreateMode.Persistent, t.Token);

            var result = await t.Client.GetAclAsync("/n", t.Token);

            // ZooKeeper 3.6+ hides the password hash from callers that may not administer the node.
            Assert.Equal([Acl.World(Permissions.Read), new Acl(Permissions.All, "digest", "admin:x")], result.Acl);
        });

    [Fact]
    public Task SetAcl_WithTheCurrentAclVersion_ReplacesTheAcl_AndAStaleOneThrowsBadVersion() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/n", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            IReadOnlyList<Acl> readAndAdmin = [Acl.World(Permissions.Read | Permissions.Admin)];
            var stat = await t.Client.SetAclAsync("/n", readAndAdmin, 0, t.Token);
            var stale = await Assert.ThrowsAsync<BadVersionException>(() => t.Client.SetAclAsync("/n", Acl.OpenUnsafe, 0, t.Token));

            var result = await t.Client.GetAclAsync("/n", t.Token);
            Assert.Equal(1, stat.Aversion);
            Assert.Equal(readAndAdmin, result.Acl);
            Assert.Equal("/n", stale.Path);
            await Assert.ThrowsAsync<NoAuthException>(() => t.Client.SetDataAsync("/n", Utf8("x"), cancellationToken: t.Token));
        });

    [Fact]
    public Task Sync_ThenRead_SeesAnotherClientsWrite() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var writer = await t.Chroot.ConnectAsync(t.Token);
            await writer.CreateAsync("/n", Utf8("written"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            await t.Client.SyncAsync("/n", t.Token);

            Assert.Equal("written", Text((await t.Client.GetDataAsync("/n", cancellationToken: t.Token)).Data));
        });

    [Fact]
    public Task Operations_OnTheChrootRoot_AddressTheChrootNode() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.SetDataAsync("/", Utf8("root data"), cancellationToken: t.Token);
            await using var root = await t.Chroot.ConnectToRootAsync(t.Token);

            Assert.NotNull(await t.Client.ExistsAsync("/", cancellationToken: t.Token));
            Assert.Equal("root data", Text((await root.GetDataAsync(t.Chroot.Path, cancellationToken: t.Token)).Data));
            await t.Client.SyncAsync("/", t.Token);
        });
}
