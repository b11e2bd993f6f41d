using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;
using ZkSync.ZooKeeper.Protocol;

namespace ZkSync.ZooKeeper.Connection;

/// <summary>
/// One TCP connection of a session, after the handshake: the FIFO of requests sent on it and not yet
/// answered, the write path and the read path, and liveness clocks.
/// <para>Writes: a request goes out on its caller's thread when nothing is in flight and no write is
/// under way (a sequential caller pays no thread hop); otherwise it waits in the session's queue and
/// the writer loop sends it with whatever else queued meanwhile, in one write. Both paths assign xids
/// and fill the FIFO under one write lock, so the FIFO has the order of the bytes on the wire.</para>
/// <para>Reads: a chain of socket receives, each completion parsing what arrived (replies matched to
/// the FIFO by the session's <see cref="FrameHandler"/>) and posting the next receive before it hands
/// the replies to their callers on its own thread: a caller's continuation runs without a hop, and
/// one that blocks cannot stall the connection, whose next receive completes on another thread.</para>
/// </summary>
internal sealed class ActiveConnection : IDisposable
{
    private const int WriteBatchBytes = 64 * 1024;
    private const int ReceiveBufferBytes = 64 * 1024;

    /// <summary>While receives keep completing at once, answered requests are handed to the thread pool in batches of this many.</summary>
    private const int MaxHeldReplies = 256;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TimeProvider _time;
    private readonly ChannelReader<PendingRequest> _queued;
    private readonly Func<int> _nextXid;
    private readonly FrameHandler _onFrame;
    private readonly Queue<PendingRequest> _pending = new();
    // Never disposed: a caller that read the connection just before it ended may still try it (and find it
    // closed); SemaphoreSlim holds no native handle unless AvailableWaitHandle is used.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _batch = new(WriteBatchBytes);
    private readonly SocketAsyncEventArgs _receive = new(unsafeSuppressExecutionContextFlow: true);
    private readonly TaskCompletionSource _readEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _buffer = new byte[ReceiveBufferBytes];
    private int _filled; // received bytes at the start of _buffer not parsed yet (a partial frame)
    private int _pendingCount;
    private bool _writesClosed; // under _writeLock
    private long _lastSent;
    private long _lastReceived;
    private Exception? _abortReason;

    public ActiveConnection(Socket socket, ServerAddress server, TimeProvider time, ChannelReader<PendingRequest> queued, Func<int> nextXid, FrameHandler onFrame)
    {
        _socket = socket;
        Server = server;
        _time = time;
        _queued = queued;
        _nextXid = nextXid;
        _onFrame = onFrame;
        _lastSent = _lastReceived = time.GetTimestamp();
        _receive.Completed += (_, args) => OnReceived(args);
    }

    /// <summary>Handles one frame from the server (without its length prefix), on the reader.</summary>
    /// <returns>The request the frame answered, if it took the reply (<see cref="PendingRequest.TryAcceptReply"/>).</returns>
    public delegate PendingRequest? FrameHandler(ActiveConnection connection, ReadOnlySpan<byte> frame);

    public ServerAddress Server { get; }

    public CancellationToken Token => _lifetime.Token;

    /// <summary>Auth requests sent on this connection; the server answers them in order with the reserved auth xid.
    /// Null entries are re-sent credentials nobody waits for.</summary>
    public ConcurrentQueue<PendingRequest?> AuthPending { get; } = new();

    public Exception? AbortReason => Volatile.Read(ref _abortReason);

    /// <summary>Completes (faulted with the reason) when the read side stopped: connection closed, reset or aborted.</summary>
    public Task ReadEnded => _readEnded.Task;

    /// <summary>When the server was last heard from (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LastReceived => Interlocked.Read(ref _lastReceived);

    /// <summary>Sends frames before any request (auth, SetWatches), before the connection is handed out.</summary>
    public async Task SendPreambleAsync(IReadOnlyList<byte[]> frames, CancellationToken cancellationToken)
    {
        foreach (var frame in frames)
        {
            await _socket.SendAsync(frame, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }

        MarkSent();
    }

    /// <summary>
    /// Sends <paramref name="request"/> on the caller's thread when nothing is queued, no other request is in
    /// flight and no write is under way: a sequential caller's request, which has nothing to share a write with.
    /// </summary>
    /// <returns>False when it must go through the queue instead (then nothing was done).</returns>
    public bool TrySendNow(PendingRequest request)
    {
        if (Volatile.Read(ref _pendingCount) != 0 || !_writeLock.Wait(0))
        {
            return false;
        }

        // Queued requests go first (the writer loop takes them under the same lock, so none is being taken now).
        if (_writesClosed || _queued.TryPeek(out _))
        {
            _writeLock.Release();
            return false;
        }

        Assign(request);
        _ = SendAndReleaseAsync(request.Frame);
        return true;
    }

    /// <summary>The writer loop: sends what waits in the queue, in batches, until the connection ends.</summary>
    public async Task WriteQueuedAsync()
    {
        var token = Token;
        while (await _queued.WaitToReadAsync(token).ConfigureAwait(false))
        {
            await _writeLock.WaitAsync(token).ConfigureAwait(false);
            if (_writesClosed)
            {
                _writeLock.Release();
                return;
            }

            StageQueued();
            if (_batch.WrittenCount == 0)
            {
                // A caller's inline send took what woke this loop.
                _writeLock.Release();
                continue;
            }

            await SendAndReleaseAsync(_batch.WrittenMemory).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the read side (on the thread pool, so the first replies are not handled on the session's loop).</summary>
    public void StartReading() => ThreadPool.UnsafeQueueUserWorkItem(static connection => connection.ReceiveNext(), this, preferLocal: false);

    /// <summary>Stops both sides and closes the socket; the first reason given is kept.</summary>
    public void Abort(Exception reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection already ended.
        }

        _socket.Close(0);
    }

    /// <summary>After <see cref="Abort"/>: waits for a write under way, then lets no request onto this connection again.</summary>
    public async Task CloseWritesAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        _writesClosed = true;
        _writeLock.Release();
    }

    /// <summary>After the read side ended and writes closed: fails every request sent on this connection and not answered.</summary>
    public void FailAll(Func<string?, Exception> exceptionFor)
    {
        List<PendingRequest> pending;
        lock (_pending)
        {
            pending = [.. _pending];
            _pending.Clear();
            _pendingCount = 0;
        }

        foreach (var request in pending)
        {
            request.Fail(exceptionFor(request.Path));
        }

        while (AuthPending.TryDequeue(out var auth))
        {
            auth?.Fail(exceptionFor(null));
        }
    }

    /// <summary>The oldest request sent and not answered (replies come in the order requests were sent).</summary>
    public PendingRequest? TakePending()
    {
        lock (_pending)
        {
            if (!_pending.TryDequeue(out var request))
            {
                return null;
            }

            _pendingCount--;
            return request;
        }
    }

    public void MarkSent() => Interlocked.Exchange(ref _lastSent, _time.GetTimestamp());

    public TimeSpan SinceSent() => _time.GetElapsedTime(Interlocked.Read(ref _lastSent));

    public TimeSpan SinceReceived() => _time.GetElapsedTime(LastReceived);

    public void Dispose()
    {
        _socket.Dispose();
        _receive.Dispose();
        _lifetime.Dispose();
    }

    /// <summary>Under the write lock: stages queued requests (those cancelled meanwhile are dropped) up to one batch.</summary>
    private void StageQueued()
    {
        while (_batch.WrittenCount < WriteBatchBytes && _queued.TryRead(out var request))
        {
            if (!request.IsCompleted)
            {
                Stage(request);
            }
        }
    }

    /// <summary>Under the write lock: assigns the request its xid and appends its frame to the batch.</summary>
    private void Stage(PendingRequest request)
    {
        Assign(request);
        _batch.Write(request.Frame);
    }

    /// <summary>Under the write lock: gives the request its xid (written into its frame) and its place in the FIFO.</summary>
    private void Assign(PendingRequest request)
    {
        switch (request.ReservedXid)
        {
            case 0:
                request.Xid = _nextXid();
                PacketCodec.WriteXid(request.Frame, request.Xid);
                lock (_pending)
                {
                    _pending.Enqueue(request);
                    _pendingCount++;
                }

                break;
            case Xids.Auth:
                request.Xid = Xids.Auth;
                AuthPending.Enqueue(request);
                break;
            default:
                request.Xid = request.ReservedXid;
                break;
        }
    }

    /// <summary>Under the write lock, which it releases when the bytes are sent. Completes synchronously when the
    /// socket takes them at once (the usual case). A failed send aborts the connection; what it staged is then
    /// failed with the rest of the FIFO.</summary>
    private async Task SendAndReleaseAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            await _socket.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false);
            MarkSent();
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            Abort(exception);
        }
        finally
        {
            _batch.ResetWrittenCount();
            _writeLock.Release();
        }
    }

    private void ReceiveNext()
    {
        bool pending;
        try
        {
            _receive.SetBuffer(_buffer, _filled, _buffer.Length - _filled);
            pending = _socket.ReceiveAsync(_receive);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            EndReading(exception);
            return;
        }

        if (!pending)
        {
            OnReceived(_receive);
        }
    }

    /// <summary>
    /// A receive completed. Parses every whole frame, posts the next receive, and only then completes the
    /// answered requests on this thread; while receives complete at once it keeps parsing, handing answered
    /// requests to the thread pool in batches, so a flood of replies is never held back.
    /// </summary>
    private void OnReceived(SocketAsyncEventArgs args)
    {
        List<PendingRequest>? answered = null;
        try
        {
            while (true)
            {
                if (args.SocketError != SocketError.Success)
                {
                    throw new SocketException((int)args.SocketError);
                }

                if (args.BytesTransferred == 0)
                {
                    throw new EndOfStreamException("the server closed the connection");
                }

                _filled += args.BytesTransferred;
                Interlocked.Exchange(ref _lastReceived, _time.GetTimestamp());
                ParseFrames(ref answered);
                MakeRoomForNextFrame();
                args.SetBuffer(_buffer, _filled, _buffer.Length - _filled);
                if (_socket.ReceiveAsync(args))
                {
                    break;
                }

                if (answered is { Count: >= MaxHeldReplies })
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static requests => CompleteAll(requests), answered, preferLocal: false);
                    answered = null;
                }
            }
        }
#pragma warning disable CA1031 // Any failure ends this connection's reading; the session reconnects.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            EndReading(exception);
        }

        if (answered is not null)
        {
            CompleteAll(answered);
        }
    }

    private void ParseFrames(ref List<PendingRequest>? answered)
    {
        var start = 0;
        while (_filled - start >= 4)
        {
            var length = PacketCodec.FrameLength(_buffer.AsSpan(start, 4));
            if (_filled - start - 4 < length)
            {
                break;
            }

            if (_onFrame(this, _buffer.AsSpan(start + 4, length)) is { } request)
            {
                (answered ??= []).Add(request);
            }

            start += 4 + length;
        }

        if (start > 0)
        {
            _buffer.AsSpan(start, _filled - start).CopyTo(_buffer);
            _filled -= start;
        }
    }

    /// <summary>Grows the buffer for a frame larger than it, and shrinks it back once such a frame is through.</summary>
    private void MakeRoomForNextFrame()
    {
        var needed = _filled >= 4 ? 4 + PacketCodec.FrameLength(_buffer.AsSpan(0, 4)) : 0;
        var size = Math.Max(ReceiveBufferBytes, needed);
        if (size != _buffer.Length && (size > _buffer.Length || _filled <= ReceiveBufferBytes))
        {
            var resized = new byte[size];
            _buffer.AsSpan(0, _filled).CopyTo(resized);
            _buffer = resized;
        }
    }

    private void EndReading(Exception reason) => _readEnded.TrySetException(reason);

    private static void CompleteAll(List<PendingRequest> answered)
    {
        foreach (var request in answered)
        {
            request.CompleteAccepted();
        }
    }
}
