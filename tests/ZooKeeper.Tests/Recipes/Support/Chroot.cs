using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.ZooKeeper.Tests.Recipes.Support;

/// <summary>
/// A test's own corner of a shared server: a unique <c>/t-&lt;guid&gt;</c> node and clients rooted
/// there. Every client made here is closed on dispose, and the chroot's tree deleted.
/// </summary>
internal sealed class Chroot : IAsyncDisposable
{
    public const string User = "zkrsync";
    public const string Password = "s3cret";

    private readonly string _serverConnectionString;
    private readonly List<ZooKeeperClient> _clients = [];
    private readonly Lock _gate = new();
    private readonly ZooKeeperClient _root;

    private Chroot(string serverConnectionString, string path, ZooKeeperClient root, ILoggerFactory loggerFactory)
    {
        _serverConnectionString = serverConnectionString;
        Path = path;
        _root = root;
        LoggerFactory = loggerFactory;
    }

    /// <summary>The chroot's absolute path on the server.</summary>
    public string Path { get; }

    /// <summary>"127.0.0.1:port/t-guid".</summary>
    public string ConnectionString => _serverConnectionString + Path;

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Recipe options as the zkrsync tool uses them: digest ACL for our user on every node.</summary>
    public RecipeOptions Options => new() { Acl = [Acl.Digest(User, Password, Permissions.All)], LoggerFactory = LoggerFactory };

    public static async Task<Chroot> CreateAsync(string serverConnectionString, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(builder =>
            builder.SetMinimumLevel(LogLevel.Debug).AddProvider(new TestOutputLoggerProvider(output, LogLevel.Information)));
        var root = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions { ConnectionString = serverConnectionString, LoggerFactory = loggerFactory }, cancellationToken);
        var path = "/t-" + Guid.NewGuid().ToString("N");
        await root.CreateAsync(path, ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, cancellationToken);
        return new Chroot(serverConnectionString, path, root, loggerFactory);
    }

    /// <summary>A new session rooted at the chroot, authenticated as <see cref="User"/>.</summary>
    public async Task<ZooKeeperClient> ConnectAsync(CancellationToken cancellationToken, TimeSpan? sessionTimeout = null)
    {
        var client = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions
            {
                ConnectionString = ConnectionString,
                SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
                LoggerFactory = LoggerFactory,
            },
            cancellationToken);
        lock (_gate)
        {
            _clients.Add(client);
        }

        await client.AddDigestAuthAsync(User, Password, cancellationToken);
        return client;
    }

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
                    new ZooKeeperClientOptions
                    {
                        ConnectionString = ConnectionString,
                        SessionId = client.SessionId,
                        SessionPassword = client.SessionPassword,
                        LoggerFactory = LoggerFactory,
                    },
                    cancellationToken);
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
            await _root.AddDigestAuthAsync(User, Password);
            await _root.DeleteRecursiveAsync(Path);
        }
        catch (ZooKeeperException)
        {
            // Best effort: the server may be down in a fault test.
        }

        await _root.DisposeAsync();
        LoggerFactory.Dispose();
    }
}
