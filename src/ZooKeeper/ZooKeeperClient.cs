using System.Text;
using Microsoft.Extensions.Logging;
using ZkSync.ZooKeeper.Connection;
using ZkSync.ZooKeeper.Protocol;

namespace ZkSync.ZooKeeper;

/// <summary>
/// A ZooKeeper session. Every operation is asynchronous, takes a cancellation token, and fails with
/// a <see cref="ZooKeeperException"/> subclass for the server's error code. While the connection is
/// down the client reconnects to the next server with the same session; requests issued meanwhile
/// wait, requests that were in flight fail with <see cref="ConnectionLossException"/> (see
/// <see cref="ZooKeeperRetryPolicy"/>). Watches are one-shot callbacks, delivered in order on the
/// client's event dispatcher and re-armed after a reconnect. A call's continuation runs on the
/// connection's reader thread, which its reply woke (a continuation that blocks or computes for more
/// than a few milliseconds gets reading handed to another thread, so it delays only itself); failures
/// and cancellations complete on the thread pool.
/// </summary>
public sealed class ZooKeeperClient : IAsyncDisposable
{
    private readonly PacketCodec _codec;
    private readonly Session _session;
    private readonly ILogger _logger;

    private ZooKeeperClient(ZooKeeperClientOptions options)
    {
        var connectionString = ConnectionString.Parse(options.ConnectionString);
        if (options.SessionTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SessionTimeout must be positive.");
        }

        _logger = options.LoggerFactory.CreateLogger<ZooKeeperClient>();
        _codec = new PacketCodec(connectionString.Chroot);
        _session = new Session(options, connectionString, _codec, _logger) { EventSender = this };
    }

    /// <summary>Every state transition (Connected, Disconnected, Expired, ...), in order, on the event
    /// dispatcher, to the handlers subscribed when it happened: the first Connected happens before
    /// <see cref="ConnectAsync"/> returns, so a handler added afterwards starts with the next transition.</summary>
    public event EventHandler<ZooKeeperState>? StateChanged
    {
        add => _session.StateChanged += value;
        remove => _session.StateChanged -= value;
    }

    public ZooKeeperState State => _session.State;

    public long SessionId => _session.SessionId;

    /// <summary>The session's password, for resuming it from another client (<see cref="ZooKeeperClientOptions.SessionPassword"/>).</summary>
    public ReadOnlyMemory<byte> SessionPassword => _session.SessionPassword;

    /// <summary>The session timeout the server granted.</summary>
    public TimeSpan SessionTimeout => _session.NegotiatedTimeout;

    /// <summary>The connection serving the session now, if any (tests look at its watchdog).</summary>
    internal ActiveConnection? CurrentConnection => _session.CurrentConnection;

    /// <summary>Opens a session; fails with <see cref="ConnectionLossException"/> when no server answers within
    /// <see cref="ZooKeeperClientOptions.ConnectTimeout"/> (saying what the last attempt met), or
    /// <see cref="SessionExpiredException"/> when resuming a dead session.</summary>
    public static async Task<ZooKeeperClient> ConnectAsync(ZooKeeperClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new ZooKeeperClient(options);
        client._session.Start();
        try
        {
            await client._session.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a node and returns its actual path (with the sequence suffix for sequential modes).</summary>
    public Task<string> CreateAsync(
        string path,
        ReadOnlyMemory<byte> data,
        IReadOnlyList<Acl> acl,
        CreateMode mode = CreateMode.Persistent,
        CancellationToken cancellationToken = default)
    {
        // Not an async method: bad arguments throw here, before anything is queued, as in every other operation.
        var created = CreateWithStatAsync(path, data, acl, mode, ttl: null, cancellationToken);
        return PathOf(created);

        static async Task<string> PathOf(Task<CreateResult> created) => (await created.ConfigureAwait(false)).Path;
    }

    /// <summary>Creates a node and returns its path and stat. TTL modes need <paramref name="ttl"/>; other modes refuse it.</summary>
    public Task<CreateResult> CreateWithStatAsync(
        string path,
        ReadOnlyMemory<byte> data,
        IReadOnlyList<Acl> acl,
        CreateMode mode = CreateMode.Persistent,
        TimeSpan? ttl = null,
        CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path, mode.IsSequential());
        PathValidation.ValidateData(data);
        ValidateAcl(acl);
        if (mode.IsTtl() != ttl.HasValue)
        {
            throw new ArgumentException(mode.IsTtl() ? $"Create mode {mode} needs a ttl." : $"A ttl applies only to TTL create modes, not {mode}.", nameof(ttl));
        }

        if (ttl is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), "The ttl must be positive.");
        }

        return _session.Submit(_codec.Create(path, data, acl, mode, ttl), cancellationToken);
    }

    /// <summary>Deletes a node; <paramref name="version"/> -1 matches any version.</summary>
    public Task DeleteAsync(string path, int version = -1, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        return _session.Submit(_codec.Delete(path, version), cancellationToken);
    }

    /// <summary>The node's stat, or null when it does not exist. A watcher fires once on creation,
    /// deletion or data change (it is armed in both cases).</summary>
    public Task<Stat?> ExistsAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        return _session.Submit(_codec.Exists(path, watcher), cancellationToken);
    }

    /// <summary>The node's data and stat. A watcher fires once on data change or deletion.</summary>
    public Task<DataResult> GetDataAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        return _session.Submit(_codec.GetData(path, watcher), cancellationToken);
    }

    /// <summary>Replaces the node's data; <paramref name="version"/> -1 matches any version. Returns the new stat.</summary>
    public Task<Stat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version = -1, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        PathValidation.ValidateData(data);
        return _session.Submit(_codec.SetData(path, data, version), cancellationToken);
    }

    /// <summary>The node's children (names, unordered) and its stat. A watcher fires once when a child is
    /// created or deleted, or the node itself is deleted.</summary>
    public Task<ChildrenResult> GetChildrenAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        return _session.Submit(_codec.GetChildren(path, watcher), cancellationToken);
    }

    public Task<AclResult> GetAclAsync(string path, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        return _session.Submit(_codec.GetAcl(path), cancellationToken);
    }

    /// <summary>Replaces the node's ACL; <paramref name="version"/> is the ACL version (-1: any).</summary>
    public Task<Stat> SetAclAsync(string path, IReadOnlyList<Acl> acl, int version = -1, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        ValidateAcl(acl);
        return _session.Submit(_codec.SetAcl(path, acl, version), cancellationToken);
    }

    /// <summary>Waits until the server this client talks to has caught up with the leader for this path.</summary>
    public Task SyncAsync(string path, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        return _session.Submit(_codec.Sync(path), cancellationToken);
    }

    /// <summary>
    /// The data and stat of every node in <paramref name="paths"/>, in order, in one request (the server's multiRead,
    /// ZooKeeper 3.6 and later; not atomic, no watches); null for a node that does not exist.
    /// </summary>
    /// <exception cref="UnimplementedException">The server predates multiRead.</exception>
    public Task<IReadOnlyList<DataResult?>> GetDataManyAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<DataResult?>>([]);
        }

        foreach (var path in paths)
        {
            PathValidation.ValidatePath(path);
        }

        return _session.Submit(_codec.MultiRead(paths), cancellationToken);
    }

    /// <summary>Applies all operations atomically. On failure throws the failing operation's exception
    /// type, with <see cref="ZooKeeperException.FailedOperationIndex"/> and <see cref="ZooKeeperException.MultiResults"/>.</summary>
    public Task<IReadOnlyList<OpResult>> MultiAsync(IReadOnlyList<Op> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<OpResult>>([]);
        }

        foreach (var operation in operations)
        {
            ValidateMultiOperation(operation);
        }

        return _session.Submit(_codec.Multi(operations), cancellationToken);
    }

    /// <summary>Adds authentication to the session (and to every later connection of it).</summary>
    public Task AddAuthAsync(string scheme, ReadOnlyMemory<byte> auth, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        var authBytes = auth.ToArray();
        _session.RememberAuth(scheme, authBytes);
        return _session.Submit(PacketCodec.Auth(scheme, authBytes), cancellationToken);
    }

    /// <summary>Authenticates as <c>user:password</c> with the digest scheme; the password is never logged.</summary>
    public Task AddDigestAuthAsync(string user, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
        _logger.LogDebug("Adding digest auth for user {User}", user);
        return AddAuthAsync("digest", Encoding.UTF8.GetBytes(user + ":" + password), cancellationToken);
    }

    /// <summary>
    /// Ends the session on the server (its ephemeral nodes go at once) and releases the client. While the
    /// connection is down, it waits for it to come back as long as the session can still be alive on the
    /// server (the session timeout since the server last heard from this client), and closes it then.
    /// </summary>
    /// <exception cref="ConnectionLossException">No connection came back in time, so the session could not be
    /// closed: the server ends it (and its ephemeral nodes) when its timeout passes. The client is closed anyway.</exception>
    public Task CloseAsync(CancellationToken cancellationToken = default) => _session.CloseAsync(cancellationToken);

    /// <summary>Closes as <see cref="CloseAsync"/> does, but never throws: a session that could not be closed is
    /// logged as a warning (the server ends it when its timeout passes).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (ConnectionLossException exception)
        {
            _logger.LogWarning("Disposing the client: {Reason}", exception.Message);
        }

        await _session.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Drops the TCP connection as a network failure would; the client reconnects. For fault-injection tests.</summary>
    internal void DropConnection() => _session.DropConnection();

    private static void ValidateMultiOperation(Op operation)
    {
        switch (operation)
        {
            case CreateOp create:
                PathValidation.ValidatePath(create.Path, create.Mode.IsSequential());
                PathValidation.ValidateData(create.Data);
                ValidateAcl(create.Acl);
                if (create.Mode.IsTtl())
                {
                    throw new ArgumentException("TTL nodes cannot be created in a multi by this client.", nameof(operation));
                }

                break;
            case DeleteOp delete:
                PathValidation.ValidatePath(delete.Path);
                break;
            case SetDataOp setData:
                PathValidation.ValidatePath(setData.Path);
                PathValidation.ValidateData(setData.Data);
                break;
            case CheckOp check:
                PathValidation.ValidatePath(check.Path);
                break;
            default:
                throw new ArgumentException($"Unsupported multi operation {operation?.GetType().Name ?? "null"}.", nameof(operation));
        }
    }

    private static void ValidateAcl(IReadOnlyList<Acl> acl)
    {
        ArgumentNullException.ThrowIfNull(acl);
        if (acl.Count == 0)
        {
            throw new ArgumentException("A node needs at least one ACL entry (e.g. Acl.OpenUnsafe).", nameof(acl));
        }
    }
}
