using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ZkSync.ZooKeeper.Protocol;

namespace ZkSync.ZooKeeper.Connection;

/// <summary>
/// The engine under <see cref="ZooKeeperClient"/>: one session over a succession of connections.
/// Requests wait in one outgoing queue; each connection has one writer loop (assigns xids, keeps the
/// FIFO of sent requests), one reader loop (matches replies by xid in FIFO order, routes
/// notifications) and one heartbeat (pings, read timeout). A dropped connection fails what was in
/// flight with <see cref="ConnectionLossException"/> and the session moves to the next server.
/// </summary>
internal sealed class Session : IAsyncDisposable
{
    private const int ProtocolVersion = 0;
    private const int MaxFrameLength = 256 * 1024 * 1024;
    private const int WriteBatchBytes = 64 * 1024;
    private const int SetWatchesChunkBytes = 128 * 1024;

    private readonly ZooKeeperClientOptions _options;
    private readonly ConnectionString _connectionString;
    private readonly ServerAddress[] _servers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<PendingRequest> _outgoing =
        Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true });

    private readonly WatchRegistry _watches = new();
    private readonly EventDispatcher _dispatcher;
    private readonly List<(string Scheme, byte[] Auth)> _authInfo = [];
    private readonly object _gate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _firstConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ZooKeeperState _state = ZooKeeperState.Connecting;
    private long _sessionId;
    private byte[] _password;
    private int _negotiatedTimeoutMs;
    private long _lastZxid;
    private int _nextXid;
    private Exception? _lastConnectError;
    private ActiveConnection? _current;
    private Task? _loop;
    private int _disposed;
    private volatile bool _closing;
    private bool _everConnected; // a session was established once (only the connection loop touches it)

    public Session(ZooKeeperClientOptions options, ConnectionString connectionString, ILogger logger)
    {
        _options = options;
        _connectionString = connectionString;
        _logger = logger;
        _time = options.TimeProvider;
        _servers = [.. connectionString.Servers];
        options.Random.Shuffle(_servers);
        _sessionId = options.SessionId;
        _password = options.SessionPassword.Length > 0 ? options.SessionPassword.ToArray() : new byte[16];
        _negotiatedTimeoutMs = (int)options.SessionTimeout.TotalMilliseconds;
        _dispatcher = new EventDispatcher(logger);
    }

    /// <summary>Raised through the dispatcher, in order, for every state transition, to the handlers
    /// subscribed when the transition happened (a handler added later does not get earlier ones).</summary>
    public event EventHandler<ZooKeeperState>? StateChanged;

    public object? EventSender { get; set; }

    public ZooKeeperState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public long SessionId => Interlocked.Read(ref _sessionId);

    public byte[] SessionPassword
    {
        get
        {
            lock (_gate)
            {
                return (byte[])_password.Clone();
            }
        }
    }

    public TimeSpan NegotiatedTimeout => TimeSpan.FromMilliseconds(Volatile.Read(ref _negotiatedTimeoutMs));

    public long LastZxid => Interlocked.Read(ref _lastZxid);

    public string? Chroot => _connectionString.Chroot;

    public WatchRegistry Watches => _watches;

    public EventDispatcher Dispatcher => _dispatcher;

    public void Start() => _loop = Task.Run(RunAsync);

    public async Task WaitConnectedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _firstConnected.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var reason = _lastConnectError?.Message ?? "no server answered";
            throw new ConnectionLossException(
                message: $"could not connect to ZooKeeper at {_connectionString} within {timeout.TotalSeconds:0.#} s ({reason})");
        }
    }

    /// <summary>Queues a request; it is sent as soon as a connection is up.</summary>
    public Task<T> Submit<T>(PendingRequest<T> request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        request.RegisterCancellation(cancellationToken);
        if (!_outgoing.Writer.TryWrite(request))
        {
            request.Fail(TerminalException(request.Path));
        }

        return request.Task;
    }

    /// <summary>Remembers auth data so that every later connection sends it again.</summary>
    public void RememberAuth(string scheme, byte[] auth)
    {
        lock (_gate)
        {
            _authInfo.Add((scheme, auth));
        }
    }

    /// <summary>Drops the current connection as a network failure would (fault injection for tests).</summary>
    public void DropConnection()
    {
        ActiveConnection? connection;
        lock (_gate)
        {
            connection = _current;
        }

        connection?.Abort(new IOException("connection dropped on request"));
    }

    /// <summary>Ends the session on the server (when connected) and stops everything.</summary>
    public async Task CloseAsync(ReadOnlyMemory<byte> closePacket, CancellationToken cancellationToken)
    {
        bool connected;
        lock (_gate)
        {
            if (_state is ZooKeeperState.Closed)
            {
                return;
            }

            connected = _state == ZooKeeperState.Connected;
        }

        _closing = true;
        if (connected)
        {
            var request = new PendingRequest<bool>(OpCode.CloseSession, closePacket.ToArray(), null, static (_, ref _) => true);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1000, _negotiatedTimeoutMs / 2)));
                await Submit(request, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is ZooKeeperException or OperationCanceledException)
            {
                _logger.LogWarning("Closing session 0x{SessionId:x}: the server did not confirm ({Reason})", SessionId, exception.Message);
            }
        }

        EndSession(ZooKeeperState.Closed);
        await StopLoopAsync().ConfigureAwait(false);
    }

    /// <summary>Idempotent, as IAsyncDisposable requires: later calls return at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        EndSession(ZooKeeperState.Closed);
        await StopLoopAsync().ConfigureAwait(false);
        await _dispatcher.DisposeAsync().ConfigureAwait(false);
        _shutdown.Dispose();
    }

    internal int NextXid()
    {
        var xid = Interlocked.Increment(ref _nextXid);
        if (xid <= 0)
        {
            Interlocked.CompareExchange(ref _nextXid, 1, xid);
            xid = Interlocked.Increment(ref _nextXid);
        }

        return xid;
    }

    private async Task StopLoopAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        FailQueued();
    }

    private async Task RunAsync()
    {
        var token = _shutdown.Token;
        var next = 0; // round robin over the (shuffled) servers, on after every attempt as the Java client and kazoo do
        var attempt = 0; // consecutive failed attempts, for backing off after a whole failed round
        while (!token.IsCancellationRequested && !IsTerminal() && !_closing)
        {
            var server = _servers[next];
            next = (next + 1) % _servers.Length;
            attempt++;
            var established = false;
            try
            {
                established = await ConnectAndServeAsync(server, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Any failure of one connection means: try the next server.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                _lastConnectError = exception;
                _logger.LogDebug("Connecting to ZooKeeper {Server} failed: {Reason}", server, exception.Message);
            }

            if (established)
            {
                attempt = 0;
                _everConnected = true;
                if (!await DelayReconnectAsync(token).ConfigureAwait(false))
                {
                    break;
                }

                continue;
            }

            if (attempt % _servers.Length == 0 && !token.IsCancellationRequested)
            {
                // A whole round failed: back off a little, with jitter, so a dead ensemble is not hammered.
                // The first round before any session is retried soon: a server that has just started may
                // close the first connections it accepts.
                var delay = attempt == _servers.Length && !_everConnected
                    ? TimeSpan.FromMilliseconds(10 + _options.Random.Next(0, 20))
                    : TimeSpan.FromMilliseconds(50 + _options.Random.Next(0, 200) + Math.Min(attempt / _servers.Length, 8) * 100);
                try
                {
                    await Task.Delay(delay, _time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Waits 100-600 ms (jittered) before reconnecting after a session's connection was lost, as the
    /// Java client (0-1 s) and kazoo do. Reconnecting at once made two holders of one session (a
    /// process resuming it by id and password while the old client lives) take it from each other in
    /// a tight loop, and lets every client of a failed server hit the next one at the same instant.
    /// </summary>
    /// <returns>False when the session ended or the loop is stopping meanwhile.</returns>
    private async Task<bool> DelayReconnectAsync(CancellationToken token)
    {
        if (IsTerminal() || _closing)
        {
            return false;
        }

        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_options.Random.Next(100, 600)), _time, token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <returns>Whether a session was established on this server (so failures are counted afresh).</returns>
    private async Task<bool> ConnectAndServeAsync(ServerAddress server, CancellationToken token)
    {
        // At most a third of the session timeout per attempt (and the session timeout shared among the servers):
        // a server that accepts the connection but never answers the handshake (ZooKeeper 3.8 can leave such a
        // socket open when a client connects while it is still loading its database) must not use up the whole
        // session timeout, or resuming the session after a server restart fails with SessionExpired.
        var attemptTimeout = TimeSpan.FromMilliseconds(Math.Max(1000, Math.Min(_negotiatedTimeoutMs / 3, _negotiatedTimeoutMs / _servers.Length)));
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        NetworkStream? stream = null;
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(token))
            {
                connectTimeout.CancelAfter(attemptTimeout);
                try
                {
                    await socket.ConnectAsync(server.Host, server.Port, connectTimeout.Token).ConfigureAwait(false);
                    stream = new NetworkStream(socket, ownsSocket: true);
                    await HandshakeAsync(stream, server, connectTimeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    throw new TimeoutException($"no session from {server} within {attemptTimeout.TotalMilliseconds:0} ms");
                }
            }

            if (IsTerminal())
            {
                return true;
            }

            await ServeAsync(stream, server, token).ConfigureAwait(false);
            return true;
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }
        }
    }

    private async Task HandshakeAsync(NetworkStream stream, ServerAddress server, CancellationToken token)
    {
        byte[] password;
        lock (_gate)
        {
            password = _password;
        }

        var writer = new JuteWriter(64);
        writer.WriteInt(0);
        writer.WriteInt(ProtocolVersion);
        writer.WriteLong(LastZxid);
        writer.WriteInt((int)_options.SessionTimeout.TotalMilliseconds);
        writer.WriteLong(SessionId);
        writer.WriteBuffer(password);
        writer.WriteBool(false);
        writer.PatchInt(0, writer.Length - 4);
        await stream.WriteAsync(writer.ToArray(), token).ConfigureAwait(false);

        var frame = await ReadFrameAsync(stream, token).ConfigureAwait(false);
        var reader = new JuteReader(frame);
        _ = reader.ReadInt();
        var timeoutMs = reader.ReadInt();
        var sessionId = reader.ReadLong();
        var newPassword = reader.ReadBuffer() ?? [];
        if (timeoutMs <= 0)
        {
            _logger.LogWarning("ZooKeeper session 0x{SessionId:x} has expired (told by {Server})", SessionId, server);
            EndSession(ZooKeeperState.Expired);
            return;
        }

        var resumed = SessionId != 0;
        lock (_gate)
        {
            _password = newPassword;
            _negotiatedTimeoutMs = timeoutMs;
        }

        Interlocked.Exchange(ref _sessionId, sessionId);
        _logger.LogInformation(
            "ZooKeeper session 0x{SessionId:x} {Action} on {Server}, timeout {TimeoutMs} ms",
            sessionId, resumed ? "resumed" : "established", server, timeoutMs);
    }

    private async Task ServeAsync(NetworkStream stream, ServerAddress server, CancellationToken token)
    {
        using var connectionToken = CancellationTokenSource.CreateLinkedTokenSource(token);
        var connection = new ActiveConnection(stream, server, connectionToken, _time);

        // Auth first, then the watches to re-arm, before any queued request: the server handles them in order.
        var preamble = new List<byte[]>();
        lock (_gate)
        {
            foreach (var (scheme, auth) in _authInfo)
            {
                preamble.Add(EncodeAuthPacket(scheme, auth));
                connection.AuthPending.Enqueue(null);
            }
        }

        preamble.AddRange(EncodeSetWatches());
        foreach (var packet in preamble)
        {
            await stream.WriteAsync(packet, connectionToken.Token).ConfigureAwait(false);
        }

        lock (_gate)
        {
            _current = connection;
        }

        SetState(ZooKeeperState.Connected);
        _firstConnected.TrySetResult();

        var reader = Task.Run(() => ReadLoopAsync(connection), CancellationToken.None);
        var writer = Task.Run(() => WriteLoopAsync(connection), CancellationToken.None);
        var heartbeat = Task.Run(() => HeartbeatAsync(connection), CancellationToken.None);
        var first = await Task.WhenAny(reader, writer, heartbeat).ConfigureAwait(false);
        var failure = first.Exception?.GetBaseException() ?? connection.AbortReason;
        connection.Abort(failure ?? new IOException("connection closed"));
        await Task.WhenAll(reader.ContinueWith(static _ => { }, TaskScheduler.Default),
            writer.ContinueWith(static _ => { }, TaskScheduler.Default),
            heartbeat.ContinueWith(static _ => { }, TaskScheduler.Default)).ConfigureAwait(false);

        lock (_gate)
        {
            _current = null;
        }

        var ending = State;
        var reason = failure?.Message ?? "closed";
        connection.FailAll(path => ending switch
        {
            ZooKeeperState.Expired => new SessionExpiredException(path),
            ZooKeeperState.AuthFailed => new AuthFailedException(path),
            _ => new ConnectionLossException(path, $"connection to {server} lost ({reason})"),
        });
        if (!IsTerminal() && !_closing)
        {
            _logger.LogWarning("Lost connection to ZooKeeper {Server} ({Reason}); reconnecting", server, failure?.Message ?? "closed by server");
            SetState(ZooKeeperState.Disconnected);
        }
    }

    private async Task WriteLoopAsync(ActiveConnection connection)
    {
        var token = connection.Token;
        var batch = new ArrayBufferWriter<byte>(WriteBatchBytes);
        var reader = _outgoing.Reader;
        while (true)
        {
            var request = await reader.ReadAsync(token).ConfigureAwait(false);
            while (true)
            {
                if (!request.IsCompleted || request.ReservedXid == Xids.Ping)
                {
                    Stage(connection, request, batch);
                }

                if (batch.WrittenCount >= WriteBatchBytes || !reader.TryRead(out request!))
                {
                    break;
                }
            }

            await connection.Stream.WriteAsync(batch.WrittenMemory, token).ConfigureAwait(false);
            connection.MarkSent();
            batch.ResetWrittenCount();
        }
    }

    private void Stage(ActiveConnection connection, PendingRequest request, ArrayBufferWriter<byte> batch)
    {
        var xid = request.ReservedXid;
        switch (xid)
        {
            case 0:
                xid = NextXid();
                request.Xid = xid;
                connection.AddPending(request);
                break;
            case Xids.Auth:
                request.Xid = xid;
                connection.AuthPending.Enqueue(request);
                break;
            default:
                request.Xid = xid;
                break;
        }

        var span = batch.GetSpan(request.Packet.Length);
        request.Packet.CopyTo(span);
        BinaryPrimitives.WriteInt32BigEndian(span[PendingRequest.XidOffset..], xid);
        batch.Advance(request.Packet.Length);
    }

    private async Task ReadLoopAsync(ActiveConnection connection)
    {
        var token = connection.Token;
        await using var buffered = new BufferedStream(connection.Stream, 64 * 1024);
        var lengthBytes = new byte[4];
        while (true)
        {
            await buffered.ReadExactlyAsync(lengthBytes, token).ConfigureAwait(false);
            var length = BinaryPrimitives.ReadInt32BigEndian(lengthBytes);
            if (length is < 16 or > MaxFrameLength)
            {
                throw new ProtocolViolationException($"bad frame length {length}");
            }

            var frame = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                await buffered.ReadExactlyAsync(frame.AsMemory(0, length), token).ConfigureAwait(false);
                connection.MarkReceived();
                ProcessFrame(connection, frame.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }
    }

    private void ProcessFrame(ActiveConnection connection, ReadOnlySpan<byte> frame)
    {
        var reader = new JuteReader(frame);
        var xid = reader.ReadInt();
        var zxid = reader.ReadLong();
        var error = (ZooKeeperErrorCode)reader.ReadInt();
        if (zxid > 0)
        {
            UpdateLastZxid(zxid);
        }

        switch (xid)
        {
            case Xids.Ping:
                return;
            case Xids.Notification:
                OnNotification(ref reader);
                return;
            case Xids.SetWatches:
                if (error != ZooKeeperErrorCode.Ok)
                {
                    _logger.LogWarning("Re-arming watches failed: {Error}", error);
                }

                return;
            case Xids.Auth:
                connection.AuthPending.TryDequeue(out var authRequest);
                if (error == ZooKeeperErrorCode.AuthFailed)
                {
                    _logger.LogError("ZooKeeper rejected the authentication data");
                    authRequest?.Fail(new AuthFailedException());
                    EndSession(ZooKeeperState.AuthFailed);
                    return;
                }

                authRequest?.OnReply(error, ref reader);
                return;
            default:
                var request = connection.TakePending() ??
                    throw new ProtocolViolationException($"reply with xid {xid} but nothing is pending");
                if (request.Xid != xid)
                {
                    request.Fail(new ConnectionLossException(request.Path, $"reply xid {xid} out of order (expected {request.Xid})"));
                    throw new ProtocolViolationException($"reply xid {xid} out of order (expected {request.Xid})");
                }

                request.OnReply(error, ref reader);
                return;
        }
    }

    private void OnNotification(ref JuteReader reader)
    {
        var type = (WatchEventType)reader.ReadInt();
        _ = reader.ReadInt();
        var serverPath = reader.ReadString() ?? "/";
        if (type == WatchEventType.None)
        {
            return;
        }

        var watchers = _watches.Materialize(type, serverPath);
        var watchedEvent = new WatchedEvent(type, ZooKeeperState.Connected, ToClientPath(serverPath));
        foreach (var watcher in watchers)
        {
            _dispatcher.Post(watcher, watchedEvent);
        }
    }

    private async Task HeartbeatAsync(ActiveConnection connection)
    {
        var timeoutMs = Volatile.Read(ref _negotiatedTimeoutMs);
        var pingInterval = TimeSpan.FromMilliseconds(timeoutMs / 3.0);
        var readTimeout = TimeSpan.FromMilliseconds(timeoutMs * 2 / 3.0);
        var tick = TimeSpan.FromMilliseconds(Math.Max(20, timeoutMs / 15));
        var ping = new PingRequest();
        while (true)
        {
            await Task.Delay(tick, _time, connection.Token).ConfigureAwait(false);
            var sinceReceive = connection.SinceReceived();
            if (sinceReceive > readTimeout)
            {
                throw new TimeoutException($"no reply from {connection.Server} for {sinceReceive.TotalMilliseconds:0} ms");
            }

            if (connection.SinceSent() >= pingInterval)
            {
                _outgoing.Writer.TryWrite(ping);
                connection.MarkSent();
            }
        }
    }

    internal static byte[] EncodeAuthPacket(string scheme, byte[] auth)
    {
        var writer = new JuteWriter(32 + auth.Length);
        writer.WriteInt(0);
        writer.WriteInt(Xids.Auth);
        writer.WriteInt((int)OpCode.Auth);
        writer.WriteInt(0);
        writer.WriteString(scheme);
        writer.WriteBuffer(auth);
        writer.PatchInt(0, writer.Length - 4);
        return writer.ToArray();
    }

    /// <summary>SetWatches packets for every armed watch, split so no packet nears the server's size limit.</summary>
    private List<byte[]> EncodeSetWatches()
    {
        var (data, exist, child) = _watches.Snapshot();
        var packets = new List<byte[]>();
        if (data.Count + exist.Count + child.Count == 0)
        {
            return packets;
        }

        var lastZxid = LastZxid;
        var (di, ei, ci) = (0, 0, 0);
        while (di < data.Count || ei < exist.Count || ci < child.Count)
        {
            var budget = SetWatchesChunkBytes;
            var dataChunk = TakeChunk(data, ref di, ref budget);
            var existChunk = TakeChunk(exist, ref ei, ref budget);
            var childChunk = TakeChunk(child, ref ci, ref budget);
            var writer = new JuteWriter(SetWatchesChunkBytes / 4);
            writer.WriteInt(0);
            writer.WriteInt(Xids.SetWatches);
            writer.WriteInt((int)OpCode.SetWatches);
            writer.WriteLong(lastZxid);
            writer.WriteStringVector(dataChunk);
            writer.WriteStringVector(existChunk);
            writer.WriteStringVector(childChunk);
            writer.PatchInt(0, writer.Length - 4);
            packets.Add(writer.ToArray());
        }

        _logger.LogDebug("Re-arming {Count} watches", data.Count + exist.Count + child.Count);
        return packets;
    }

    private static List<string> TakeChunk(List<string> paths, ref int index, ref int budget)
    {
        var chunk = new List<string>();
        while (index < paths.Count && budget > 0)
        {
            budget -= paths[index].Length + 4;
            chunk.Add(paths[index++]);
        }

        return chunk;
    }

    private static async Task<byte[]> ReadFrameAsync(Stream stream, CancellationToken token)
    {
        var lengthBytes = new byte[4];
        await stream.ReadExactlyAsync(lengthBytes, token).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(lengthBytes);
        if (length is < 0 or > MaxFrameLength)
        {
            throw new ProtocolViolationException($"bad frame length {length}");
        }

        var frame = new byte[length];
        await stream.ReadExactlyAsync(frame, token).ConfigureAwait(false);
        return frame;
    }

    public string ToServerPath(string clientPath) =>
        Chroot is null ? clientPath : clientPath == "/" ? Chroot : Chroot + clientPath;

    public string ToClientPath(string serverPath)
    {
        if (Chroot is null)
        {
            return serverPath;
        }

        if (serverPath == Chroot)
        {
            return "/";
        }

        return serverPath.StartsWith(Chroot + "/", StringComparison.Ordinal) ? serverPath[Chroot.Length..] : serverPath;
    }

    private void UpdateLastZxid(long zxid)
    {
        var current = Interlocked.Read(ref _lastZxid);
        while (zxid > current)
        {
            var seen = Interlocked.CompareExchange(ref _lastZxid, zxid, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private bool IsTerminal()
    {
        lock (_gate)
        {
            return _state is ZooKeeperState.Expired or ZooKeeperState.AuthFailed or ZooKeeperState.Closed;
        }
    }

    private void SetState(ZooKeeperState state)
    {
        lock (_gate)
        {
            if (_state == state || (_state is ZooKeeperState.Expired or ZooKeeperState.AuthFailed or ZooKeeperState.Closed))
            {
                return;
            }

            _state = state;
            RaiseStateChanged(state);
        }
    }

    /// <summary>Posts a transition to the handlers subscribed now; called under the gate, so events
    /// are posted in the order the transitions happened.</summary>
    private void RaiseStateChanged(ZooKeeperState state)
    {
        if (StateChanged is { } handlers)
        {
            var sender = EventSender;
            _dispatcher.Post(() => handlers(sender, state));
        }
    }

    /// <summary>Moves to a terminal state: no request will be sent again, every waiter is released.</summary>
    private void EndSession(ZooKeeperState terminal)
    {
        ActiveConnection? connection;
        lock (_gate)
        {
            if (_state is ZooKeeperState.Expired or ZooKeeperState.AuthFailed or ZooKeeperState.Closed)
            {
                return;
            }

            _state = terminal;
            connection = _current;
            RaiseStateChanged(terminal);
        }

        _outgoing.Writer.TryComplete();
        var ended = new WatchedEvent(WatchEventType.None, terminal, null);
        foreach (var watcher in _watches.TakeAll())
        {
            _dispatcher.Post(watcher, ended);
        }

        connection?.Abort(new IOException($"session {terminal}"));
        _firstConnected.TrySetException(TerminalException(null));
        _ = _firstConnected.Task.Exception;
        FailQueued();
        if (terminal != ZooKeeperState.Closed)
        {
            _shutdown.Cancel();
        }
    }

    private void FailQueued()
    {
        while (_outgoing.Reader.TryRead(out var request))
        {
            request.Fail(TerminalException(request.Path));
        }
    }

    private Exception TerminalException(string? path) => State switch
    {
        ZooKeeperState.Expired => new SessionExpiredException(path),
        ZooKeeperState.AuthFailed => new AuthFailedException(path),
        _ => new ObjectDisposedException(nameof(ZooKeeperClient), "The ZooKeeper client is closed."),
    };

    private sealed class PingRequest() : PendingRequest(OpCode.Ping, PingPacket, null)
    {
        private static readonly byte[] PingPacket = [0, 0, 0, 8, 0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 0, (byte)OpCode.Ping];

        public override int ReservedXid => Xids.Ping;

        public override bool IsCompleted => false;

        public override void OnReply(ZooKeeperErrorCode error, ref JuteReader body)
        {
        }

        public override void Fail(Exception exception)
        {
        }
    }
}
