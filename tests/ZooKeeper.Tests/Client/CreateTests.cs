using System.Text.RegularExpressions;
using Xunit.Abstractions;
using ZkSync.ZooKeeper.Tests.Support;
using static ZkSync.ZooKeeper.Tests.Support.TestData;

namespace ZkSync.ZooKeeper.Tests.Client;

public sealed partial class CreateTests(ClientServerFixture fixture, ITestOutputHelper output) : IClassFixture<ClientServerFixture>
{
    [Fact]
    public Task Create_Persistent_ReturnsThePathAndOutlivesTheSession() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var path = await t.Client.CreateAsync("/persistent", Utf8("p"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.CloseAsync(t.Token);

            await using var other = await t.Chroot.ConnectAsync(t.Token);
            var read = await other.GetDataAsync("/persistent", cancellationToken: t.Token);
            Assert.Equal("/persistent", path);
            Assert.Equal("p", Text(read.Data));
            Assert.Equal(0, read.Stat.EphemeralOwner);
        });

    [Fact]
    public Task Create_Ephemeral_IsOwnedByTheSession() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var path = await t.Client.CreateAsync("/ephemeral", Utf8("e"), Acl.OpenUnsafe, CreateMode.Ephemeral, t.Token);

            var stat = await t.Client.ExistsAsync(path, cancellationToken: t.Token);
            Assert.Equal("/ephemeral", path);
            Assert.NotNull(stat);
            Assert.True(stat.IsEphemeral);
            Assert.Equal(t.Client.SessionId, stat.EphemeralOwner);
        });

    [Fact]
    public Task Create_PersistentSequential_AppendsATenDigitZeroPaddedCounter() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/queue", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            var first = await t.Client.CreateAsync("/queue/item-", Utf8("1"), Acl.OpenUnsafe, CreateMode.PersistentSequential, t.Token);
            var second = await t.Client.CreateAsync("/queue/item-", Utf8("2"), Acl.OpenUnsafe, CreateMode.PersistentSequential, t.Token);
            var bare = await t.Client.CreateAsync("/queue/", Utf8("3"), Acl.OpenUnsafe, CreateMode.PersistentSequential, t.Token);

            Assert.Equal("/queue/item-0000000000", first);
            Assert.Equal("/queue/item-0000000001", second);
            Assert.Equal("/queue/0000000002", bare);
            Assert.Equal("2", Text((await t.Client.GetDataAsync(second, cancellationToken: t.Token)).Data));
            var stat = await t.Client.ExistsAsync(first, cancellationToken: t.Token);
            Assert.False(stat!.IsEphemeral);
        });

    [Fact]
    public Task Create_EphemeralSequential_AppendsTheCounterAndIsOwnedByTheSession() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/lock", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.CreateAsync("/lock/other", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            var path = await t.Client.CreateAsync("/lock/member-", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.EphemeralSequential, t.Token);

            Assert.Matches(SequentialName(), path);
            Assert.Equal("/lock/member-0000000001", path);
            var stat = await t.Client.ExistsAsync(path, cancellationToken: t.Token);
            Assert.Equal(t.Client.SessionId, stat!.EphemeralOwner);
        });

    [Fact]
    public Task CreateWithStat_ReturnsTheNewNodesStat() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var created = await t.Client.CreateWithStatAsync("/with-stat", Utf8("12345"), Acl.OpenUnsafe, CreateMode.Persistent, cancellationToken: t.Token);

            var stat = await t.Client.ExistsAsync("/with-stat", cancellationToken: t.Token);
            Assert.Equal("/with-stat", created.Path);
            Assert.Equal(stat, created.Stat);
            Assert.Equal(5, created.Stat.DataLength);
            Assert.Equal(0, created.Stat.Version);
            Assert.Equal(created.Stat.Czxid, created.Stat.Mzxid);
        });

    [Fact]
    public Task Create_Container_IsDeletedByTheServerAfterItsLastChildGoes() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var created = await t.Client.CreateWithStatAsync("/container", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Container, cancellationToken: t.Token);
            await t.Client.CreateAsync("/container/child", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var events = new EventQueue<WatchedEvent>();
            Assert.NotNull(await t.Client.ExistsAsync("/container", events.Add, t.Token));

            await t.Client.DeleteAsync("/container/child", cancellationToken: t.Token);

            var deleted = await events.NextAsync("the server to delete the empty container");
            Assert.Equal(new WatchedEvent(WatchEventType.NodeDeleted, ZooKeeperState.Connected, "/container"), deleted);
            Assert.Equal("/container", created.Path);
            Assert.Equal(0, created.Stat.EphemeralOwner);
            Assert.Null(await t.Client.ExistsAsync("/container", cancellationToken: t.Token));
        });

    [Fact]
    public Task Create_PersistentWithTtl_CreatesANodeTheServerDeletesOnceTheTtlPassed() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var created = await t.Client.CreateWithStatAsync("/ttl", Utf8("t"), Acl.OpenUnsafe, CreateMode.PersistentWithTtl, TimeSpan.FromMilliseconds(300), t.Token);
            var events = new EventQueue<WatchedEvent>();
            var stat = await t.Client.ExistsAsync("/ttl", events.Add, t.Token);

            var deleted = await events.NextAsync("the server to delete the node after its TTL");

            Assert.Equal("/ttl", created.Path);
            Assert.NotNull(stat);
            Assert.False(stat.IsEphemeral, "a TTL node is persistent; its ephemeralOwner field only carries the TTL");
            Assert.Equal(new WatchedEvent(WatchEventType.NodeDeleted, ZooKeeperState.Connected, "/ttl"), deleted);
        });

    [Fact]
    public Task Create_PersistentSequentialWithTtl_AppendsTheCounter() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var created = await t.Client.CreateWithStatAsync("/ttl-", Utf8("t"), Acl.OpenUnsafe, CreateMode.PersistentSequentialWithTtl, TimeSpan.FromMinutes(10), t.Token);

            Assert.Matches(SequentialName(), created.Path);
            Assert.StartsWith("/ttl-", created.Path, StringComparison.Ordinal);
            Assert.Equal("t", Text((await t.Client.GetDataAsync(created.Path, cancellationToken: t.Token)).Data));
        });

    [Fact]
    public Task Create_TtlMode_RequiresAPositiveTtl_AndOtherModesRefuseOne() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            Synchronously.Throws<ArgumentException>(() => t.Client.CreateWithStatAsync("/a", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.PersistentWithTtl, null, t.Token));
            Synchronously.Throws<ArgumentException>(() => t.Client.CreateAsync("/a", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.PersistentSequentialWithTtl, t.Token));
            Synchronously.Throws<ArgumentException>(() => t.Client.CreateWithStatAsync("/a", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, TimeSpan.FromSeconds(1), t.Token));
            Synchronously.Throws<ArgumentException>(() => t.Client.CreateWithStatAsync("/a", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Ephemeral, TimeSpan.FromSeconds(1), t.Token));
            Synchronously.Throws<ArgumentOutOfRangeException>(() => t.Client.CreateWithStatAsync("/a", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.PersistentWithTtl, TimeSpan.Zero, t.Token));
            Assert.Null(await t.Client.ExistsAsync("/a", cancellationToken: t.Token));
        });

    [Fact]
    public Task Create_WhenTheNodeExists_ThrowsNodeExists() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/twice", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            var failure = await Assert.ThrowsAsync<NodeExistsException>(
                () => t.Client.CreateAsync("/twice", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token));

            Assert.Equal("/twice", failure.Path);
            Assert.Equal(ZooKeeperErrorCode.NodeExists, failure.Code);
        });

    [Fact]
    public Task Create_WhenTheParentIsMissing_ThrowsNoNode() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var failure = await Assert.ThrowsAsync<NoNodeException>(
                () => t.Client.CreateAsync("/missing/child", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token));

            Assert.Equal("/missing/child", failure.Path);
        });

    [Fact]
    public Task Create_UnderAnEphemeralNode_ThrowsNoChildrenForEphemerals() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/eph", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Ephemeral, t.Token);

            await Assert.ThrowsAsync<NoChildrenForEphemeralsException>(
                () => t.Client.CreateAsync("/eph/child", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token));
        });

    [Fact]
    public Task Create_WithTheLargestDataAllowed_StoresItWhole() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var data = new byte[PathValidation.MaxDataLength];
            Random.Shared.NextBytes(data);

            await t.Client.CreateAsync("/large", data, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            Assert.Equal(data, (await t.Client.GetDataAsync("/large", cancellationToken: t.Token)).Data);
        });

    [Fact]
    public Task Create_UnderTheChroot_LandsInsideTheChrootOnTheServer() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/inside", Utf8("x"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await using var root = await t.Chroot.ConnectToRootAsync(t.Token);

            Assert.Equal("x", Text((await root.GetDataAsync(t.Chroot.Path + "/inside", cancellationToken: t.Token)).Data));
            Assert.Null(await root.ExistsAsync("/inside", cancellationToken: t.Token));
            Assert.Equal(["inside"], (await t.Client.GetChildrenAsync("/", cancellationToken: t.Token)).Children);
        });

    [GeneratedRegex(@"-\d{10}$")]
    private static partial Regex SequentialName();
}
