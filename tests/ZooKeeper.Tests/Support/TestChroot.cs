using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ZkSync.ZooKeeper.Tests.Support;

/// <summary>
/// A test's own subtree <c>/t-&lt;guid&gt;</c>, made by a root client; the test's clients connect
/// with it as their chroot (<c>127.0.0.1:port/t-&lt;guid&gt;</c>), so tests sharing a server never see
/// each other's nodes and every path in a test is relative to its chroot.
/// </summary>
internal sealed class TestChroot
{
    private readonly ILoggerFactory _loggerFactory;

    private TestChroot(string servers, string path, ILoggerFactory loggerFactory)
    {
        Servers = servers;
        Path = path;
        _loggerFactory = loggerFactory;
    }

    /// <summary>The servers without the chroot: <c>127.0.0.1:port[,...]</c>.</summary>
    public string Servers { get; }

    /// <summary>The chroot's absolute path on the server: <c>/t-&lt;guid&gt;</c>.</summary>
    public string Path { get; }

    /// <summary>The servers with the chroot: <c>127.0.0.1:port/t-&lt;guid&gt;</c>.</summary>
    public string ConnectionString => Servers + Path;

    public static async Task<TestChroot> CreateAsync(string servers, CancellationToken cancellationToken, ILoggerFactory? loggerFactory = null)
    {
        var path = $"/t-{Guid.NewGuid():N}";
        await using (var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = servers }, cancellationToken))
        {
            await root.CreateAsync(path, ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, cancellationToken);
        }

        return new TestChroot(servers, path, loggerFactory ?? NullLoggerFactory.Instance);
    }

    /// <summary>Options for a client under this chroot; adjust with <c>with</c>.</summary>
    public ZooKeeperClientOptions Options(TimeSpan? sessionTimeout = null) => new()
    {
        ConnectionString = ConnectionString,
        SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(15),
        LoggerFactory = _loggerFactory,
    };

    public Task<ZooKeeperClient> ConnectAsync(CancellationToken cancellationToken, TimeSpan? sessionTimeout = null) =>
        ZooKeeperClient.ConnectAsync(Options(sessionTimeout), cancellationToken);

    /// <summary>A client under this chroot that reaches the server through <paramref name="proxy"/>.</summary>
    public Task<ZooKeeperClient> ConnectThroughAsync(TcpProxy proxy, CancellationToken cancellationToken, TimeSpan? sessionTimeout = null) =>
        ZooKeeperClient.ConnectAsync(Options(sessionTimeout) with { ConnectionString = proxy.ConnectionString + Path }, cancellationToken);

    /// <summary>A client of the whole tree (no chroot), e.g. to look at the chroot node itself.</summary>
    public Task<ZooKeeperClient> ConnectToRootAsync(CancellationToken cancellationToken) =>
        ZooKeeperClient.ConnectAsync(Options() with { ConnectionString = Servers }, cancellationToken);
}
