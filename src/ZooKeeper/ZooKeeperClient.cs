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
/// client's event dispatcher and re-armed after a reconnect.
/// </summary>
public sealed class ZooKeeperClient : IAsyncDisposable
{
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
        _session = new Session(options, connectionString, _logger) { EventSender = this };
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

    /// <summary>Opens a session; fails with <see cref="ConnectionLossException"/> when no server answers within
    /// <see cref="ZooKeeperClientOptions.ConnectTimeout"/>, or <see cref="SessionExpiredException"/> when resuming a dead session.</summary>
    public static async Task<ZooKeeperClient> ConnectAsync(ZooKeeperClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new ZooKeeperClient(options);
        client._session.Start();
        try
        {
            await client._session.WaitConnectedAsync(options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
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

        var opCode = mode switch
        {
            CreateMode.Container => OpCode.CreateContainer,
            CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl => OpCode.CreateTtl,
            _ => OpCode.Create2,
        };
        var writer = StartPacket(opCode, data.Length);
        writer.WriteString(_session.ToServerPath(path));
        writer.WriteBuffer(data.Span);
        writer.WriteAclVector(acl);
        writer.WriteInt((int)mode);
        if (ttl is { } ttlValue)
        {
            writer.WriteLong((long)ttlValue.TotalMilliseconds);
        }

        return Send(opCode, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, path);
            var created = body.ReadString() ?? path;
            return new CreateResult(_session.ToClientPath(created), body.ReadStat());
        }, cancellationToken);
    }

    /// <summary>Deletes a node; <paramref name="version"/> -1 matches any version.</summary>
    public Task DeleteAsync(string path, int version = -1, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        var writer = StartPacket(OpCode.Delete);
        writer.WriteString(_session.ToServerPath(path));
        writer.WriteInt(version);
        return Send(OpCode.Delete, writer, path, (ZooKeeperErrorCode error, ref JuteReader _) =>
        {
            ThrowIfError(error, path);
            return true;
        }, cancellationToken);
    }

    /// <summary>The node's stat, or null when it does not exist. A watcher fires once on creation,
    /// deletion or data change (it is armed in both cases).</summary>
    public Task<Stat?> ExistsAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        var serverPath = _session.ToServerPath(path);
        var writer = StartPacket(OpCode.Exists);
        writer.WriteString(serverPath);
        writer.WriteBool(watcher is not null);
        return Send(OpCode.Exists, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            if (error == ZooKeeperErrorCode.NoNode)
            {
                if (watcher is not null)
                {
                    _session.Watches.AddExist(serverPath, watcher);
                }

                return null;
            }

            ThrowIfError(error, path);
            if (watcher is not null)
            {
                _session.Watches.AddData(serverPath, watcher);
            }

            return (Stat?)body.ReadStat();
        }, cancellationToken);
    }

    /// <summary>The node's data and stat. A watcher fires once on data change or deletion.</summary>
    public Task<DataResult> GetDataAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        var serverPath = _session.ToServerPath(path);
        var writer = StartPacket(OpCode.GetData);
        writer.WriteString(serverPath);
        writer.WriteBool(watcher is not null);
        return Send(OpCode.GetData, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, path);
            if (watcher is not null)
            {
                _session.Watches.AddData(serverPath, watcher);
            }

            var data = body.ReadBuffer() ?? [];
            return new DataResult(data, body.ReadStat());
        }, cancellationToken);
    }

    /// <summary>Replaces the node's data; <paramref name="version"/> -1 matches any version. Returns the new stat.</summary>
    public Task<Stat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version = -1, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        PathValidation.ValidateData(data);
        var writer = StartPacket(OpCode.SetData, data.Length);
        writer.WriteString(_session.ToServerPath(path));
        writer.WriteBuffer(data.Span);
        writer.WriteInt(version);
        return Send(OpCode.SetData, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, path);
            return body.ReadStat();
        }, cancellationToken);
    }

    /// <summary>The node's children (names, unordered) and its stat. A watcher fires once when a child is
    /// created or deleted, or the node itself is deleted.</summary>
    public Task<ChildrenResult> GetChildrenAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        var serverPath = _session.ToServerPath(path);
        var writer = StartPacket(OpCode.GetChildren2);
        writer.WriteString(serverPath);
        writer.WriteBool(watcher is not null);
        return Send(OpCode.GetChildren2, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, path);
            if (watcher is not null)
            {
                _session.Watches.AddChild(serverPath, watcher);
            }

            var children = body.ReadStringVector();
            return new ChildrenResult(children, body.ReadStat());
        }, cancellationToken);
    }

    public Task<AclResult> GetAclAsync(string path, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        var writer = StartPacket(OpCode.GetAcl);
        writer.WriteString(_session.ToServerPath(path));
        return Send(OpCode.GetAcl, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, path);
            var acl = body.ReadAclVector();
            return new AclResult(acl, body.ReadStat());
        }, cancellationToken);
    }

    /// <summary>Replaces the node's ACL; <paramref name="version"/> is the ACL version (-1: any).</summary>
    public Task<Stat> SetAclAsync(string path, IReadOnlyList<Acl> acl, int version = -1, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        ValidateAcl(acl);
        var writer = StartPacket(OpCode.SetAcl);
        writer.WriteString(_session.ToServerPath(path));
        writer.WriteAclVector(acl);
        writer.WriteInt(version);
        return Send(OpCode.SetAcl, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, path);
            return body.ReadStat();
        }, cancellationToken);
    }

    /// <summary>Waits until the server this client talks to has caught up with the leader for this path.</summary>
    public Task SyncAsync(string path, CancellationToken cancellationToken = default)
    {
        PathValidation.ValidatePath(path);
        var writer = StartPacket(OpCode.Sync);
        writer.WriteString(_session.ToServerPath(path));
        return Send(OpCode.Sync, writer, path, (ZooKeeperErrorCode error, ref JuteReader _) =>
        {
            ThrowIfError(error, path);
            return true;
        }, cancellationToken);
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

        var writer = StartPacket(OpCode.Multi);
        foreach (var operation in operations)
        {
            WriteMultiOperation(writer, operation);
        }

        writer.WriteInt(-1);
        writer.WriteBool(true);
        writer.WriteInt(-1);
        return Send(OpCode.Multi, writer, null, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            if (error != ZooKeeperErrorCode.Ok && body.Remaining == 0)
            {
                throw ZooKeeperException.Create(error);
            }

            var results = new List<OpResult>(operations.Count);
            var failedIndex = -1;
            var failedCode = ZooKeeperErrorCode.Ok;
            while (true)
            {
                var type = (OpCode)body.ReadInt();
                var done = body.ReadBool();
                _ = body.ReadInt();
                if (done)
                {
                    break;
                }

                OpResult result = type switch
                {
                    OpCode.Create or OpCode.CreateContainer => new CreateOpResult(_session.ToClientPath(body.ReadString() ?? string.Empty)),
                    OpCode.Create2 or OpCode.CreateTtl => ReadCreate2(ref body),
                    OpCode.Delete => new DeleteOpResult(),
                    OpCode.SetData => new SetDataOpResult(body.ReadStat()),
                    OpCode.Check => new CheckOpResult(),
                    OpCode.Error => new ErrorOpResult((ZooKeeperErrorCode)body.ReadInt()),
                    _ => throw new ProtocolViolationException($"unexpected multi result type {type}"),
                };
                if (result is ErrorOpResult { Code: not ZooKeeperErrorCode.Ok } failure && failedIndex < 0)
                {
                    failedIndex = results.Count;
                    failedCode = failure.Code;
                }

                results.Add(result);
            }

            if (failedIndex >= 0)
            {
                var failedPath = failedIndex < operations.Count ? operations[failedIndex].Path : null;
                throw ZooKeeperException.CreateForMulti(failedCode, failedIndex, results, failedPath);
            }

            return (IReadOnlyList<OpResult>)results;
        }, cancellationToken);
    }

    /// <summary>Adds authentication to the session (and to every later connection of it).</summary>
    public Task AddAuthAsync(string scheme, ReadOnlyMemory<byte> auth, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        var authBytes = auth.ToArray();
        _session.RememberAuth(scheme, authBytes);
        var request = new PendingRequest<bool>(
            OpCode.Auth,
            Session.EncodeAuthPacket(scheme, authBytes),
            null,
            static (error, ref _) =>
            {
                ThrowIfError(error, null);
                return true;
            },
            Xids.Auth);
        return _session.Submit(request, cancellationToken);
    }

    /// <summary>Authenticates as <c>user:password</c> with the digest scheme; the password is never logged.</summary>
    public Task AddDigestAuthAsync(string user, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
        _logger.LogDebug("Adding digest auth for user {User}", user);
        return AddAuthAsync("digest", Encoding.UTF8.GetBytes(user + ":" + password), cancellationToken);
    }

    /// <summary>Ends the session on the server (its ephemeral nodes go at once) and releases the client.</summary>
    public Task CloseAsync(CancellationToken cancellationToken = default)
    {
        var writer = StartPacket(OpCode.CloseSession);
        writer.PatchInt(0, writer.Length - 4);
        return _session.CloseAsync(writer.ToArray(), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(CancellationToken.None).ConfigureAwait(false);
        await _session.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Drops the TCP connection as a network failure would; the client reconnects. For fault-injection tests.</summary>
    internal void DropConnection() => _session.DropConnection();

    private CreateOpResult ReadCreate2(ref JuteReader body)
    {
        var path = _session.ToClientPath(body.ReadString() ?? string.Empty);
        _ = body.ReadStat();
        return new CreateOpResult(path);
    }

    private void WriteMultiOperation(JuteWriter writer, Op operation)
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

                var createCode = create.Mode == CreateMode.Container ? OpCode.CreateContainer : OpCode.Create;
                WriteMultiHeader(writer, createCode);
                writer.WriteString(_session.ToServerPath(create.Path));
                writer.WriteBuffer(create.Data.Span);
                writer.WriteAclVector(create.Acl);
                writer.WriteInt((int)create.Mode);
                break;
            case DeleteOp delete:
                PathValidation.ValidatePath(delete.Path);
                WriteMultiHeader(writer, OpCode.Delete);
                writer.WriteString(_session.ToServerPath(delete.Path));
                writer.WriteInt(delete.Version);
                break;
            case SetDataOp setData:
                PathValidation.ValidatePath(setData.Path);
                PathValidation.ValidateData(setData.Data);
                WriteMultiHeader(writer, OpCode.SetData);
                writer.WriteString(_session.ToServerPath(setData.Path));
                writer.WriteBuffer(setData.Data.Span);
                writer.WriteInt(setData.Version);
                break;
            case CheckOp check:
                PathValidation.ValidatePath(check.Path);
                WriteMultiHeader(writer, OpCode.Check);
                writer.WriteString(_session.ToServerPath(check.Path));
                writer.WriteInt(check.Version);
                break;
            default:
                throw new ArgumentException($"Unsupported multi operation {operation.GetType().Name}.", nameof(operation));
        }
    }

    private static void WriteMultiHeader(JuteWriter writer, OpCode type)
    {
        writer.WriteInt((int)type);
        writer.WriteBool(false);
        writer.WriteInt(-1);
    }

    private static JuteWriter StartPacket(OpCode opCode, int dataLength = 0)
    {
        var writer = new JuteWriter(64 + dataLength);
        writer.WriteInt(0);
        writer.WriteInt(0);
        writer.WriteInt((int)opCode);
        return writer;
    }

    private Task<T> Send<T>(OpCode opCode, JuteWriter writer, string? path, ReplyDecoder<T> decoder, CancellationToken cancellationToken)
    {
        var bodyLength = writer.Length - 4;
        if (bodyLength > PathValidation.MaxPacketLength)
        {
            throw new ArgumentException(
                $"The request is {bodyLength} bytes, over the server's {PathValidation.MaxPacketLength}-byte limit (jute.maxbuffer).");
        }

        writer.PatchInt(0, bodyLength);
        return _session.Submit(new PendingRequest<T>(opCode, writer.ToArray(), path, decoder), cancellationToken);
    }

    private static void ThrowIfError(ZooKeeperErrorCode error, string? path)
    {
        if (error != ZooKeeperErrorCode.Ok)
        {
            throw ZooKeeperException.Create(error, path);
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
