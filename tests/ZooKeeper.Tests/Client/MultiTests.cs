using Xunit.Abstractions;
using ZkSync.ZooKeeper.Tests.Support;
using static ZkSync.ZooKeeper.Tests.Support.TestData;

namespace ZkSync.ZooKeeper.Tests.Client;

public sealed class MultiTests(ClientServerFixture fixture, ITestOutputHelper output) : IClassFixture<ClientServerFixture>
{
    [Fact]
    public Task Multi_WithAllFourOperationKinds_AppliesThemTogether() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/checked", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.CreateAsync("/changed", Utf8("old"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.CreateAsync("/deleted", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            var results = await t.Client.MultiAsync(
                [
                    Op.Check("/checked", 0),
                    Op.Create("/created", Utf8("new"), Acl.OpenUnsafe),
                    Op.SetData("/changed", Utf8("new"), 0),
                    Op.Delete("/deleted", 0),
                ],
                t.Token);

            Assert.Collection(
                results,
                result => Assert.IsType<CheckOpResult>(result),
                result => Assert.Equal(new CreateOpResult("/created"), result),
                result => Assert.Equal(1, Assert.IsType<SetDataOpResult>(result).Stat.Version),
                result => Assert.IsType<DeleteOpResult>(result));
            Assert.Equal("new", Text((await t.Client.GetDataAsync("/created", cancellationToken: t.Token)).Data));
            Assert.Equal("new", Text((await t.Client.GetDataAsync("/changed", cancellationToken: t.Token)).Data));
            Assert.Null(await t.Client.ExistsAsync("/deleted", cancellationToken: t.Token));
        });

    [Fact]
    public Task Multi_WhenAnOperationFails_ThrowsItsExceptionWithEveryResultAndAppliesNothing() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/kept", Utf8("old"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            var failure = await Assert.ThrowsAsync<NoNodeException>(() => t.Client.MultiAsync(
                [
                    Op.Create("/first", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe),
                    Op.SetData("/kept", Utf8("new")),
                    Op.SetData("/missing", Utf8("x")),
                    Op.Delete("/kept"),
                ],
                t.Token));

            Assert.Equal(2, failure.FailedOperationIndex);
            Assert.Equal("/missing", failure.Path);
            Assert.Equal(
                [
                    new ErrorOpResult(ZooKeeperErrorCode.Ok),
                    new ErrorOpResult(ZooKeeperErrorCode.Ok),
                    new ErrorOpResult(ZooKeeperErrorCode.NoNode),
                    new ErrorOpResult(ZooKeeperErrorCode.RuntimeInconsistency),
                ],
                failure.MultiResults);
            Assert.Null(await t.Client.ExistsAsync("/first", cancellationToken: t.Token));
            var kept = await t.Client.GetDataAsync("/kept", cancellationToken: t.Token);
            Assert.Equal("old", Text(kept.Data));
            Assert.Equal(0, kept.Stat.Version);
        });

    [Fact]
    public Task Multi_WhenACheckFails_ThrowsBadVersionAndAppliesNothing() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/guard", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            var failure = await Assert.ThrowsAsync<BadVersionException>(() => t.Client.MultiAsync(
                [Op.Check("/guard", 7), Op.Create("/guarded", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe)],
                t.Token));

            Assert.Equal(0, failure.FailedOperationIndex);
            Assert.Equal([new ErrorOpResult(ZooKeeperErrorCode.BadVersion), new ErrorOpResult(ZooKeeperErrorCode.RuntimeInconsistency)], failure.MultiResults);
            Assert.Null(await t.Client.ExistsAsync("/guarded", cancellationToken: t.Token));
        });

    [Fact]
    public Task Multi_WhenTheLastOperationFails_ReportsTheCreateBeforeItAsOk() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/exists", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);

            var failure = await Assert.ThrowsAsync<NodeExistsException>(() => t.Client.MultiAsync(
                [Op.Create("/fresh", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe), Op.Create("/exists", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe)],
                t.Token));

            Assert.Equal(1, failure.FailedOperationIndex);
            Assert.Equal([new ErrorOpResult(ZooKeeperErrorCode.Ok), new ErrorOpResult(ZooKeeperErrorCode.NodeExists)], failure.MultiResults);
            Assert.Null(await t.Client.ExistsAsync("/fresh", cancellationToken: t.Token));
        });

    [Fact]
    public Task Multi_CreatingSequentialEphemeralAndContainerNodes_ReturnsTheirActualPaths() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var results = await t.Client.MultiAsync(
                [
                    Op.Create("/box", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Container),
                    Op.Create("/box/seq-", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.PersistentSequential),
                    Op.Create("/box/eph-", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.EphemeralSequential),
                    Op.Check("/box", -1),
                ],
                t.Token);

            Assert.Equal(
                [new CreateOpResult("/box"), new CreateOpResult("/box/seq-0000000000"), new CreateOpResult("/box/eph-0000000001"), new CheckOpResult()],
                results);
            var ephemeral = await t.Client.ExistsAsync("/box/eph-0000000001", cancellationToken: t.Token);
            Assert.Equal(t.Client.SessionId, ephemeral!.EphemeralOwner);
        });

    [Fact]
    public Task Multi_WithNoOperations_ReturnsNoResults() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            Assert.Empty(await t.Client.MultiAsync([], t.Token));
        });

    [Fact]
    public Task Multi_WithAnInvalidOperation_ThrowsArgumentExceptionBeforeSendingAnything() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            Synchronously.Throws<ArgumentException>(() => t.Client.MultiAsync(
                [Op.Create("/valid", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe), Op.Delete("no-slash")], t.Token));
            Synchronously.Throws<ArgumentException>(() => t.Client.MultiAsync(
                [Op.Create("/valid", ReadOnlyMemory<byte>.Empty, [])], t.Token));
            Synchronously.Throws<ArgumentException>(() => t.Client.MultiAsync(
                [Op.SetData("/valid", new byte[PathValidation.MaxDataLength + 1])], t.Token));
            Synchronously.Throws<ArgumentException>(() => t.Client.MultiAsync(
                [Op.Create("/ttl", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.PersistentWithTtl)], t.Token));

            Assert.Null(await t.Client.ExistsAsync("/valid", cancellationToken: t.Token));
        });
}
