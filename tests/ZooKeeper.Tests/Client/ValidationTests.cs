using Xunit.Abstractions;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Client;

/// <summary>Bad arguments fail with <see cref="ArgumentException"/> before the call returns: nothing is sent.</summary>
public sealed class ValidationTests(ClientServerFixture fixture, ITestOutputHelper output) : IClassFixture<ClientServerFixture>
{
    public static TheoryData<string> BadPaths() =>
        new() { string.Empty, "no-leading-slash", "/trailing/", "/double//slash", "/./dot", "/dot/..", "/nul\0char" };

    [Theory]
    [MemberData(nameof(BadPaths))]
    public Task EveryOperation_WithABadPath_ThrowsArgumentExceptionBeforeSending(string path) =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var client = t.Client;
            var token = t.Token;
            Func<Task>[] calls =
            [
                () => client.CreateAsync(path, ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, token),
                () => client.CreateWithStatAsync(path, ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Ephemeral, cancellationToken: token),
                () => client.DeleteAsync(path, cancellationToken: token),
                () => client.ExistsAsync(path, cancellationToken: token),
                () => client.GetDataAsync(path, cancellationToken: token),
                () => client.SetDataAsync(path, ReadOnlyMemory<byte>.Empty, cancellationToken: token),
                () => client.GetChildrenAsync(path, cancellationToken: token),
                () => client.GetAclAsync(path, token),
                () => client.SetAclAsync(path, Acl.OpenUnsafe, cancellationToken: token),
                () => client.SyncAsync(path, token),
                () => client.MultiAsync([Op.Check(path, -1)], token),
            ];

            foreach (var call in calls)
            {
                Synchronously.Throws<ArgumentException>(call);
            }

            Assert.Empty((await client.GetChildrenAsync("/", cancellationToken: token)).Children);
        });

    [Fact]
    public Task CreateAndSetData_WithDataOverTheOneMegabyteLimit_ThrowArgumentException() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var tooLarge = new byte[(1024 * 1024) + 1];

            Synchronously.Throws<ArgumentException>(() => t.Client.CreateAsync("/big", tooLarge, Acl.OpenUnsafe, CreateMode.Persistent, t.Token));
            Synchronously.Throws<ArgumentException>(() => t.Client.SetDataAsync("/", tooLarge, cancellationToken: t.Token));
            Synchronously.Throws<ArgumentException>(() => t.Client.SetDataAsync("/", new byte[PathValidation.MaxDataLength + 1], cancellationToken: t.Token));

            Assert.Null(await t.Client.ExistsAsync("/big", cancellationToken: t.Token));
        });

    [Fact]
    public Task CreateAndSetAcl_WithAnEmptyAcl_ThrowArgumentException() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            Synchronously.Throws<ArgumentException>(() => t.Client.CreateAsync("/n", ReadOnlyMemory<byte>.Empty, [], CreateMode.Persistent, t.Token));
            Synchronously.Throws<ArgumentException>(() => t.Client.SetAclAsync("/", [], cancellationToken: t.Token));
            Synchronously.Throws<ArgumentNullException>(() => t.Client.CreateAsync("/n", ReadOnlyMemory<byte>.Empty, null!, CreateMode.Persistent, t.Token));

            Assert.Null(await t.Client.ExistsAsync("/n", cancellationToken: t.Token));
        });

    [Fact]
    public Task AddAuth_WithoutAScheme_ThrowsArgumentException() =>
        ClientTest.RunAsync(fixture, output, t =>
        {
            Synchronously.Throws<ArgumentException>(() => t.Client.AddAuthAsync(string.Empty, ReadOnlyMemory<byte>.Empty, t.Token));
            Synchronously.Throws<ArgumentException>(() => t.Client.AddDigestAuthAsync(string.Empty, "pw", t.Token));
            return Task.CompletedTask;
        });

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:notaport")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("[::1")]
    [InlineData("127.0.0.1:2181/chroot/")]
    [InlineData("/only-a-chroot")]
    public async Task Connect_WithABadConnectionString_ThrowsArgumentException(string connectionString)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = connectionString }));
    }

    [Fact]
    public async Task Connect_WithANonPositiveSessionTimeout_ThrowsArgumentOutOfRange()
    {
        var options = new ZooKeeperClientOptions { ConnectionString = fixture.ConnectionString, SessionTimeout = TimeSpan.Zero };

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ZooKeeperClient.ConnectAsync(options));
    }

    [Fact]
    public async Task Connect_WithNullOptions_ThrowsArgumentNullException()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => ZooKeeperClient.ConnectAsync(null!));
    }
}
