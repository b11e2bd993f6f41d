using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ZkSync.ZooKeeper.Protocol;

namespace ZkSync.ZooKeeper.Connection;

/// <summary>
/// The lifecycle of one session under <see cref="ZooKeeperClient"/>, over a succession of connections:
/// connect (the handshake), resume the session on the next server when a connection is lost, ping,
/// re-send auth and re-arm watches (SetWatches) on every new connection, end on expiry, auth failure
/// or close. Requests a connection cannot take at once wait in one queue (<see cref="ActiveConnection"/>
/// sends and matches them); every packet is <see cref="PacketCodec"/>'s. A dropped connection fails
/// what was in flight with <see cref="ConnectionLossException"/>.
/// </summary>
internal sealed class Session : IAsyncDisposable
{
    private readonly ZooKeeperClientOptions _options;
    private readonly ConnectionString _connectionString;
    private readonly ServerAddress[] _servers;
    private readonly PacketCodec _codec;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    // One reader: the current connection's writer loop (a caller's inline send only peeks).
    private readonly Channel<PendingRequest> _outgoing =
        Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly WatchRegistry _watches = new();
    private readonly EventDispatcher _dispatcher;
    private readonly List<(string Scheme, byte[] Auth)> _authInfo = [];
    private readonly object _gate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _firstConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PingRequest _ping = new();

    private ZooKeeperState _state = ZooKeeperState.Connecting;
    private long _sessionId;
    private byte[] _password;
    private int _negotiatedTimeoutMs;
    private long _lastZxid;
    private int _nextXid;
    private ActiveConnection? _current;
    private long _lastHeard; // when the server was last heard from, while no connection is up (a TimeProvider timestamp)
    private Task? _loop;
    private int _disposed;
    private volatile bool _everConnected; // a connection of this session was served once

    public Session(ZooKeeperClientOptions options, ConnectionString connectionString, PacketCodec codec, ILogger logger)
    {
        _options = options;
        _connectionString = connectionString;
        _codec = codec;
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

    /// <summary>The connection serving the session now, if any.</summary>
    internal ActiveConnection? CurrentConnection => Volatile.Read(ref _current);

    public TimeSpan NegotiatedTimeout => TimeSpan.FromMilliseconds(Volatile.Read(ref _negotiatedTimeoutMs));

    public long LastZxid => Interlocked.Read(ref _lastZxid);

    /// <summary>Starts connecting; <see cref="WaitConnectedAsync"/> fails when no session is there within the connect timeout.</summary>
    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Waits for the first connection, or the reason there is none: <see cref="ConnectionLossException"/> naming
    /// the last failure once <see cref="ZooKeeperClientOptions.ConnectTimeout"/> passed, <see cref="SessionExpiredException"/>, ...</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken) => _firstConnected.Task.WaitAsync(cancellationToken);

    /// <summary>Sends a request at once when the connection is idle, else queues it for the writer (or the next connection).</summary>
    public Task<T> Submit<T>(PendingRequest<T> request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        request.RegisterCancellation(cancellationToken);
        if (Volatile.Read(ref _current) is { } connection && connection.TrySendNow(request))
        {
            return request.Task;
        }

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
    public void DropConnection() => Volatile.Read(ref _current)?.Abort(new IOException("connection dropped on request"));

    /// <summary>
    /// Ends the session on the server and stops everything. While disconnected it waits for a connection to send
    /// the close on, as long as the session can still be alive on the server (its timeout since the server last
    /// heard from this client); a close whose reply was lost with its connection is sent again on the next one.
    /// </summary>
    /// <exception cref="ConnectionLossException">No connection came back in time: the session stays on the server
    /// until its timeout passes (its ephemeral nodes with it). The client is closed all the same.</exception>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (IsTerminal())
        {
            return;
        }

        if (!_everConnected)
        {
            // No session was ever served by this client: there is nothing on a server to close.
            EndSession(ZooKeeperState.Closed);
            await StopLoopAsync().ConfigureAwait(false);
            return;
        }

        var remaining = SessionLifeLeft();
        using var deadline = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time);
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        ConnectionLossException? failure = null;
        try
        {
            while (true)
            {
                try
                {
                    // The reader ends the session when the reply arrives (see OnFrame).
                    await Submit(PacketCodec.CloseSession(), closing.Token).ConfigureAwait(false);
                    break;
                }
                catch (ConnectionLossException) when (!closing.IsCancellationRequested)
                {
                    // Sent, and the connection went before the reply: send it again on the next one.
                }
            }
        }
        catch (Exception exception) when (exception is SessionExpiredException or ObjectDisposedException)
        {
            // The session ended meanwhile (expired, or closed by a concurrent close): nothing is left to close.
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            failure = new ConnectionLossException(message: string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"could not close ZooKeeper session 0x{SessionId:x}: no connection to {_connectionString} came back within its {NegotiatedTimeout.TotalSeconds:0.#} s timeout; the server ends the session and its ephemeral nodes when that timeout passes"));
        }
        finally
        {
            EndSession(ZooKeeperState.Closed);
            await StopLoopAsync().ConfigureAwait(false);
        }

        if (failure is not null)
        {
            throw failure;
        }
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

    private int NextXid()
    {
        var xid = Interlocked.Increment(ref _nextXid);
        if (xid <= 0)
        {
            Interlocked.CompareExchange(ref _nextXid, 1, xid);
            xid = Interlocked.Increment(ref _nextXid);
        }

        return xid;
    }

    /// <summary>How long the session can still be alive on the server: its timeout since the server last heard from us.</summary>
    private TimeSpan SessionLifeLeft()
    {
        var heard = Volatile.Read(ref _current)?.LastReceived ?? Interlocked.Read(ref _lastHeard);
        return NegotiatedTimeout - _time.GetElapsedTime(heard);
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

    /// <summary>
    /// The connection loop: tries the servers round robin until a session is served, serves it until the
    /// connection ends, and starts over until the session ends. Before the first session it gives up when the
    /// connect timeout passes, failing <see cref="WaitConnectedAsync"/> with the last attempt's failure (this
    /// loop alone knows it, so it alone reports it).
    /// </summary>
    private async Task RunAsync()
    {
        var token = _shutdown.Token;
        using var firstConnect = new CancellationTokenSource(_options.ConnectTimeout, _time);
        var next = 0; // round robin over the (shuffled) servers, on after every attempt as the Java client and kazoo do
        var attempt = 0; // consecutive failed attempts, for backing off after a whole failed round
        Exception? lastFailure = null;
        while (!token.IsCancellationRequested && !IsTerminal())
        {
            var server = _servers[next];
            next = (next + 1) % _servers.Length;
            attempt++;
            var outcome = ConnectOutcome.Failed;
            try
            {
                outcome = await ConnectAndServeAsync(server, _everConnected ? CancellationToken.None : firstConnect.Token, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Any failure of one connection means: try the next server.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                lastFailure = exception;
                _logger.LogDebug("Connecting to ZooKeeper {Server} failed: {Reason}", server, exception.Message);
            }

            if (outcome == ConnectOutcome.Expired)
            {
                break;
            }

            if (outcome == ConnectOutcome.Served)
            {
                attempt = 0;
                if (!await DelayReconnectAsync(token).ConfigureAwait(false))
                {
                    break;
                }

                continue;
            }

            if (!_everConnected && firstConnect.IsCancellationRequested)
            {
                GiveUpConnecting(lastFailure);
                break;
            }

            if (attempt % _servers.Length == 0 && !token.IsCancellationRequested)
            {
                // A whole round failed: back off a little, with jitter, so a dead ensemble is not hammered.
                // The first round before any session is retried soon: a server that has just started may
                // close the first connections it accepts.
                var delay = attempt == _servers.Length && !_everConnected
                    ? TimeSpan.FromMilliseconds(10 + _options.Random.Next(0, 20))
                    : TimeSpan.FromMilliseconds(50 + _options.Random.Next(0, 200) + Math.Min(attempt / _servers.Length, 8) * 100);
                using var backOff = CancellationTokenSource.CreateLinkedTokenSource(token, _everConnected ? CancellationToken.None : firstConnect.Token);
                try
                {
                    await Task.Delay(delay, _time, backOff.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    GiveUpConnecting(lastFailure);
                    break;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>A failure's cause without the address a blocking socket call appends to its message ("Connection refused",
    /// not "Connection refused [::ffff:127.0.0.1]:2181"): the connection string is said beside it once.</summary>
    private static string ReasonOf(Exception failure) =>
        failure is System.Net.Sockets.SocketException socket ? new System.Net.Sockets.SocketException((int)socket.SocketErrorCode).Message : failure.Message;

    private void GiveUpConnecting(Exception? lastFailure)
    {
        var reason = lastFailure is null ? "no server answered" : ReasonOf(lastFailure);
        _firstConnected.TrySetException(new ConnectionLossException(message: string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"could not connect to ZooKeeper at {_connectionString} within {_options.ConnectTimeout.TotalSeconds:0.#} s ({reason})")));
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
        if (IsTerminal())
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

    /// <summary>One attempt: TCP connect, handshake, and (unless the server says the session expired) serving the connection until it ends.</summary>
    /// <param name="giveUp">Cancelled when the connect timeout of the first session passed.</param>
    private async Task<ConnectOutcome> ConnectAndServeAsync(ServerAddress server, CancellationToken giveUp, CancellationToken token)
    {
        // At most a third of the session timeout per attempt (and the session timeout shared among the servers):
        // a server that accepts the connection but never answers the handshake (ZooKeeper 3.8 can leave such a
        // socket open when a client connects while it is still loading its database) must not use up the whole
        // session timeout, or resuming the session after a server restart fails with SessionExpired.
        var timeoutMs = Volatile.Read(ref _negotiatedTimeoutMs);
        var attemptTimeout = TimeSpan.FromMilliseconds(Math.Max(1000, Math.Min(timeoutMs / 3, timeoutMs / _servers.Length)));
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        ActiveConnection? connection = null;
        try
        {
            ConnectResponse response;
            var started = _time.GetTimestamp();
            var accepted = false;
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(token, giveUp))
            {
                attempt.CancelAfter(attemptTimeout);
                try
                {
                    response = await HandshakeAsync(socket, server, () => Volatile.Write(ref accepted, true), attempt.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    var waited = _time.GetElapsedTime(started).TotalMilliseconds;
                    throw new TimeoutException(Volatile.Read(ref accepted)
                        ? $"{server} accepted the connection but did not answer the handshake (waited {waited:0} ms)"
                        : $"{server} did not accept the connection (waited {waited:0} ms)");
                }
            }

            if (response.IsExpired)
            {
                // Not a connection of this session: nothing is served, the session is over.
                _logger.LogWarning("ZooKeeper session 0x{SessionId:x} has expired (told by {Server})", SessionId, server);
                EndSession(ZooKeeperState.Expired);
                return ConnectOutcome.Expired;
            }

            var resumed = SessionId != 0;
            lock (_gate)
            {
                _password = response.Password;
                _negotiatedTimeoutMs = response.TimeoutMs;
            }

            Interlocked.Exchange(ref _sessionId, response.SessionId);
            _logger.LogInformation(
                "ZooKeeper session 0x{SessionId:x} {Action} on {Server}, timeout {TimeoutMs} ms",
                response.SessionId, resumed ? "resumed" : "established", server, response.TimeoutMs);
            connection = new ActiveConnection(socket, server, _time, _outgoing.Reader, NextXid, OnFrame);
            await ServeAsync(connection, token).ConfigureAwait(false);
            return ConnectOutcome.Served;
        }
        finally
        {
            if (connection is not null)
            {
                connection.Dispose();
            }
            else
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>
    /// TCP connect and handshake, on a thread of their own with blocking calls (see <see cref="ActiveConnection.SendAll"/>
    /// for why the socket never sees an asynchronous call); cancelling closes the socket, which ends them.
    /// </summary>
    private Task<ConnectResponse> HandshakeAsync(Socket socket, ServerAddress server, Action accepted, CancellationToken token)
    {
        byte[] password;
        lock (_gate)
        {
            password = _password;
        }

        var request = PacketCodec.ConnectRequest(LastZxid, _options.SessionTimeout, SessionId, password);
        return Task.Factory.StartNew(
            () =>
            {
                using var abort = token.UnsafeRegister(static state => ((Socket)state!).Dispose(), socket);
                try
                {
                    socket.Connect(server.Host, server.Port);
                    accepted();
                    ActiveConnection.SendAll(socket, request);
                    var prefix = new byte[4];
                    ReceiveExactly(socket, prefix);
                    var frame = new byte[PacketCodec.FrameLength(prefix, minimum: 0)];
                    ReceiveExactly(socket, frame);
                    return PacketCodec.ReadConnectResponse(frame);
                }
                catch (Exception exception) when (token.IsCancellationRequested && exception is SocketException or ObjectDisposedException)
                {
                    throw new OperationCanceledException(token);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private static void ReceiveExactly(Socket socket, Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var read = socket.Receive(buffer);
            if (read == 0)
            {
                throw new EndOfStreamException("the server closed the connection during the handshake");
            }

            buffer = buffer[read..];
        }
    }

    private async Task ServeAsync(ActiveConnection connection, CancellationToken token)
    {
        // Auth first, then the watches to re-arm, before any queued request: the server handles them in order.
        var preamble = new List<byte[]>();
        lock (_gate)
        {
            foreach (var (scheme, auth) in _authInfo)
            {
                preamble.Add(PacketCodec.AuthFrame(scheme, auth));
                connection.AuthPending.Enqueue(null);
            }
        }

        var watches = _watches.Snapshot();
        var watchCount = watches.Data.Count + watches.Exist.Count + watches.Child.Count;
        if (watchCount > 0)
        {
            _logger.LogDebug("Re-arming {Count} watches", watchCount);
            preamble.AddRange(PacketCodec.SetWatches(LastZxid, watches));
        }

        using var stop = token.UnsafeRegister(static state => ((ActiveConnection)state!).Abort(new OperationCanceledException("the client is stopping")), connection);
        Task reader = Task.CompletedTask, writer = Task.CompletedTask, heartbeat = Task.CompletedTask;
        try
        {
            connection.SendPreamble(preamble);
            Volatile.Write(ref _current, connection);
            _everConnected = true;
            SetState(ZooKeeperState.Connected);
            _firstConnected.TrySetResult();

            // Reading starts after Connected is posted, so watches the re-arming fires come after it, as in the Java client.
            connection.StartReading();
            reader = connection.ReadEnded;
            writer = Task.Run(connection.WriteQueuedAsync, CancellationToken.None);
            heartbeat = Task.Run(() => HeartbeatAsync(connection), CancellationToken.None);
            await Task.WhenAny(reader, writer, heartbeat).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The preamble's failure is the connection's: it ends like any other.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            connection.Abort(exception);
        }

        var failure = connection.AbortReason ?? FirstFailure(reader, writer, heartbeat);
        connection.Abort(failure ?? new IOException("connection closed"));
        await Task.WhenAll(Settled(reader), Settled(writer), Settled(heartbeat)).ConfigureAwait(false);
        Interlocked.CompareExchange(ref _current, null, connection);
        Interlocked.Exchange(ref _lastHeard, connection.LastReceived);
        await connection.CloseWritesAsync().ConfigureAwait(false);

        var ending = State;
        var reason = failure?.Message ?? "closed";
        connection.FailAll(path => ending switch
        {
            ZooKeeperState.Expired => new SessionExpiredException(path),
            ZooKeeperState.AuthFailed => new AuthFailedException(path),
            _ => new ConnectionLossException(path, $"connection to {connection.Server} lost ({reason})"),
        });
        if (!IsTerminal())
        {
            _logger.LogWarning("Lost connection to ZooKeeper {Server} ({Reason}); reconnecting", connection.Server, failure?.Message ?? "closed by server");
            SetState(ZooKeeperState.Disconnected);
        }
    }

    private static Exception? FirstFailure(params Task[] tasks) =>
        tasks.FirstOrDefault(task => task.IsFaulted)?.Exception?.GetBaseException();

    /// <summary>Completes when the task does, whatever its outcome (which is observed, so it is never reported unobserved).</summary>
    private static Task Settled(Task task) => task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    /// <summary>On the reader, for every frame from the server.</summary>
    private PendingRequest? OnFrame(ActiveConnection connection, ReadOnlySpan<byte> frame)
    {
        var reader = new JuteReader(frame);
        var header = PacketCodec.ReadReplyHeader(ref reader);
        if (header.Zxid > 0)
        {
            UpdateLastZxid(header.Zxid);
        }

        switch (header.Xid)
        {
            case Xids.Ping:
                return null;
            case Xids.Notification:
                OnNotification(ref reader);
                return null;
            case Xids.SetWatches:
                if (header.Error != ZooKeeperErrorCode.Ok)
                {
                    _logger.LogWarning("Re-arming watches failed: {Error}", header.Error);
                }

                return null;
            case Xids.Auth:
                connection.AuthPending.TryDequeue(out var authRequest);
                if (header.Error == ZooKeeperErrorCode.AuthFailed)
                {
                    _logger.LogWarning("ZooKeeper rejected the authentication data");
                    authRequest?.Fail(new AuthFailedException());
                    EndSession(ZooKeeperState.AuthFailed);
                    return null;
                }

                return authRequest is not null && authRequest.TryAcceptReply(header.Error, ref reader, _watches) ? authRequest : null;
            default:
                var request = connection.TakePending() ??
                    throw new ProtocolViolationException($"reply with xid {header.Xid} but nothing is pending");
                if (request.Xid != header.Xid)
                {
                    request.Fail(new ConnectionLossException(request.Path, $"reply xid {header.Xid} out of order (expected {request.Xid})"));
                    throw new ProtocolViolationException($"reply xid {header.Xid} out of order (expected {request.Xid})");
                }

                if (!request.TryAcceptReply(header.Error, ref reader, _watches))
                {
                    return null;
                }

                if (request.OpCode == OpCode.CloseSession)
                {
                    // The server closes the connection next: end here, so that is not taken for a lost connection.
                    EndSession(ZooKeeperState.Closed);
                }

                return request;
        }
    }

    private void OnNotification(ref JuteReader reader)
    {
        var (type, serverPath) = PacketCodec.ReadNotification(ref reader);
        if (type == WatchEventType.None)
        {
            return;
        }

        var watchers = _watches.Materialize(type, serverPath);
        var watchedEvent = new WatchedEvent(type, ZooKeeperState.Connected, _codec.ToClientPath(serverPath));
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
                _outgoing.Writer.TryWrite(_ping);
                connection.MarkSent();
            }
        }
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
        lock (_gate)
        {
            if (_state is ZooKeeperState.Expired or ZooKeeperState.AuthFailed or ZooKeeperState.Closed)
            {
                return;
            }

            _state = terminal;
            RaiseStateChanged(terminal);
        }

        _outgoing.Writer.TryComplete();
        var ended = new WatchedEvent(WatchEventType.None, terminal, null);
        foreach (var watcher in _watches.TakeAll())
        {
            _dispatcher.Post(watcher, ended);
        }

        Volatile.Read(ref _current)?.Abort(new IOException($"session {terminal}"));
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

    /// <summary>How one connection attempt ended.</summary>
    private enum ConnectOutcome
    {
        /// <summary>No session on this server (refused, reset, timed out); try the next.</summary>
        Failed,

        /// <summary>A session was served on it until the connection ended.</summary>
        Served,

        /// <summary>The server answered the handshake with "expired": the session is over.</summary>
        Expired,
    }

    /// <summary>The heartbeat's ping: reserved xid, never in the FIFO, never completed.</summary>
    private sealed class PingRequest() : PendingRequest(OpCode.Ping, PacketCodec.PingFrame(), null, Xids.Ping)
    {
        public override bool IsCompleted => false;

        public override bool TryAcceptReply(ZooKeeperErrorCode error, ref JuteReader body, WatchRegistry watches) => false;

        public override void CompleteAccepted()
        {
        }

        public override void Fail(Exception exception)
        {
        }
    }
}
