using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.ZooKeeper.Tests.Support;

/// <summary>
/// A test's own subtree <c>/t-&lt;guid&gt;</c> of a shared server, made by a root client; the test's clients
/// connect with it as their chroot (<c>127.0.0.1:port/t-&lt;guid&gt;</c>), so tests sharing a server never see
/// each other's nodes and every path in a test is relative to its chroot. Clients come plain
/// (<see cref="ConnectAsync"/>, closed by the test) or, as zkrsync's, authenticated as <see cref="User"/> with
/// <see cref="RecipeOptions"/> giving every recipe node that user's digest ACL (<see cref="ConnectAsUserAsync"/>:
/// closed, and the subtree deleted, when the chroot is disposed).
/// </summary>
internal sealed class TestChroot : IAsyncDisposable
{
    public const string User = "zkrsync";
    public const string Password = "s3cret";

    private readonly List<ZooKeeperClient> _clients = [];
    private readonly Lock _gate = new();
    private readonly bool _ownsLoggerFactory;

    private TestChroot(string servers, string path, ILoggerFactory loggerFactory, bool ownsLoggerFactory)
    {
        Servers = servers;
        Path = path;
        LoggerFactory = loggerFactory;
        _ownsLoggerFactory = ownsLoggerFactory;
    }

    /// <summary>The servers without the chroot: <c>127.0.0.1:port[,...]</c>.</summary>
    public string Servers { get; }

    /// <summary>The chroot's absolute path on the server: <c>/t-&lt;guid&gt;</c>.</summary>
    public string Path { get; }

    /// <summary>The servers with the chroot: <c>127.0.0.1:port/t-&lt;guid&gt;</c>.</summary>
    public string ConnectionString => Servers + Path;

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Recipe options as the zkrsync tool uses them: digest ACL for <see cref="User"/> on every node.</summary>
    public RecipeOptions RecipeOptions => new() { Acl = [Acl.Digest(User, Password, Permissions.All)], LoggerFactory = LoggerFactory };

    public static async Task<TestChroot> CreateAsync(string servers, CancellationToken cancellationToken, ILoggerFactory? loggerFactory = null)
    {
        var path = await CreateNodeAsync(servers, cancellationToken);
        return new TestChroot(servers, path, loggerFactory ?? NullLoggerFactory.Instance, ownsLoggerFactory: false);
    }

    /// <summary>A chroot whose clients log to <paramref name="output"/> (information and up).</summary>
    public static async Task<TestChroot> CreateAsync(string servers, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        var path = await CreateNodeAsync(servers, cancellationToken);
        return new TestChroot(servers, path, TestOutputLoggerProvider.CreateFactory(output, LogLevel.Information), ownsLoggerFactory: true);
    }

    /// <summary>Options for a client under this chroot; adjust with <c>with</c>.</summary>
    public ZooKeeperClientOptions Options(TimeSpan? sessionTimeout = null) => new()
    {
        ConnectionString = ConnectionString,
        SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(15),
        LoggerFactory = LoggerFactory,
    };

    public Task<ZooKeeperClient> ConnectAsync(CancellationToken cancellationToken, TimeSpan? sessionTimeout = null) =>
        ZooKeeperClient.ConnectAsync(Options(sessionTimeout), cancellationToken);

    /// <summary>A client under this chroot that reaches the server through <paramref name="proxy"/>.</summary>
    public Task<ZooKeeperClient> ConnectThroughAsync(TcpProxy proxy, CancellationToken cancellationToken, TimeSpan? sessionTimeout = null) =>
        ZooKeeperClient.ConnectAsync(Options(sessionTimeout) with { ConnectionString = proxy.ConnectionString + Path }, cancellationToken);

    /// <summary>A client of the whole tree (no chroot), e.g. to look at the chroot node itself.</summary>
    public Task<ZooKeeperClient> ConnectToRootAsync(CancellationToken cancellationToken) =>
        ZooKeeperClient.ConnectAsync(Options() with { ConnectionString = Servers }, cancellationToken);

    /// <summary>A new session rooted at the chroot, authenticated as <see cref="User"/>; closed with the chroot.</summary>
    public Task<ZooKeeperClient> ConnectAsUserAsync(CancellationToken cancellationToken, TimeSpan? sessionTimeout = null) =>
        TrackAsync(Options(sessionTimeout), cancellationToken);

    /// <summary>As <see cref="ConnectAsUserAsync"/>, reaching the server through <paramref name="proxy"/>.</summary>
    public Task<ZooKeeperClient> ConnectAsUserThroughAsync(TcpProxy proxy, CancellationToken cancellationToken, TimeSpan? sessionTimeout = null) =>
        TrackAsync(Options(sessionTimeout) with { ConnectionString = proxy.ConnectionString + Path }, cancellationToken);

    /// <summary>
    /// Ends <paramref name="client"/>'s session on the server, as an expiry does: a second client
    /// resumes the session and closes it. Returns once the first client has seen Expired. The twin's
    /// connect makes the server drop the first client's connection; if that client reconnects before
    /// the twin's close arrives, the server drops the twin instead and the close is lost, so the
    /// twin tries again until the first client reports Expired.
    /// </summary>
    public async Task ExpireAsync(ZooKeeperClient client, CancellationToken cancellationToken)
    {
        var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.StateChanged += (_, state) =>
        {
            if (state == ZooKeeperState.Expired)
            {
                expired.TrySetResult();
            }
        };
        for (var attempt = 1; client.State != ZooKeeperState.Expired; attempt++)
        {
            try
            {
                await using var twin = await ZooKeeperClient.ConnectAsync(
                    Options() with { SessionId = client.SessionId, SessionPassword = client.SessionPassword }, cancellationToken);
                await twin.CloseAsync(cancellationToken);
            }
            catch (SessionExpiredException)
            {
                // An earlier attempt's close did end it.
            }

            try
            {
                await expired.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            }
            catch (TimeoutException) when (attempt < 5)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<ZooKeeperClient> clients;
        lock (_gate)
        {
            clients = [.. _clients];
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        try
        {
            await using var root = await ZooKeeperClient.ConnectAsync(Options() with { ConnectionString = Servers }, CancellationToken.None);
            await root.AddDigestAuthAsync(User, Password);
            await root.DeleteRecursiveAsync(Path);
        }
        catch (Exception exception) when (exception is ZooKeeperException or OperationCanceledException)
        {
            // Best effort: the server may be down in a fault test.
        }

        if (_ownsLoggerFactory)
        {
            LoggerFactory.Dispose();
        }
    }

    private static async Task<string> CreateNodeAsync(string servers, CancellationToken cancellationToken)
    {
        var path = $"/t-{Guid.NewGuid():N}";
        await using var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = servers }, cancellationToken);
        await root.CreateAsync(path, ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, cancellationToken);
        return path;
    }

    private async Task<ZooKeeperClient> TrackAsync(ZooKeeperClientOptions options, CancellationToken cancellationToken)
    {
        var client = await ZooKeeperClient.ConnectAsync(options, cancellationToken);
        lock (_gate)
        {
            _clients.Add(client);
        }

        // Through a proxy that cuts connections the first request may meet a cut: retried, as zkrsync does.
        await ZooKeeperRetryPolicy.Default.ExecuteAsync(token => client.AddDigestAuthAsync(User, Password, token), cancellationToken);
        return client;
    }
}
