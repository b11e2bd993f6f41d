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
/// <para>Reads: a thread of the connection's own waits for bytes (the kernel wakes it when a reply
/// arrives), parses every whole frame (replies matched to the FIFO by the session's
/// <see cref="FrameHandler"/>) and completes the answered requests itself, so a sequential caller's
/// continuation runs, and sends its next request, on the thread the reply woke: no thread hop at all.
/// A continuation that blocks or computes cannot stall the connection: a watchdog hands reading (and
/// the rest of the batch) to a new thread when one has held the reader for <see cref="HandOffAfter"/> ms.</para>
/// </summary>
internal sealed class ActiveConnection : IDisposable
{
    private const int WriteBatchBytes = 64 * 1024;
    private const int ReceiveBufferBytes = 64 * 1024;

    /// <summary>How long callers' continuations may hold the reader thread before reading is handed to another thread.</summary>
    private const int HandOffAfter = 10;

    /// <summary>Watchdog periods without replies after which the watchdog stops until the next reply. Few: every period
    /// wakes the runtime's timer thread and a pool thread, and a worker whose connection hears from the server about once
    /// a second would otherwise pay that a hundred times a second, its whole life (re-arming costs one timer change).</summary>
    internal const int IdleChecksBeforeDisarming = 3;

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
    private readonly Timer _watchdog;
    private readonly object _watchdogGate = new();
    private readonly TaskCompletionSource _readEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _buffer = new byte[ReceiveBufferBytes];
    private int _filled; // received bytes at the start of _buffer not parsed yet (a partial frame)
    private int _pendingCount;
    private bool _writesClosed; // under _writeLock
    private long _lastSent;
    private long _lastReceived;
    private Exception? _abortReason;
    private long _rounds; // batches of replies completed so far (written by the reader thread of the moment)
    private long _completingRound; // the round whose continuations the reader runs now; 0 while it reads
    private ReplyBatch? _completingBatch;
    private bool _watchdogArmed;
    private bool _watchdogStopped; // under _watchdogGate: the connection is disposed
    private long _checkedRound; // the watchdog's (under its lock): what it saw last time
    private long _checkedRounds;
    private int _idleChecks;
    private long _watchdogChecks; // how often the watchdog ran (tests read it)

    public ActiveConnection(Socket socket, ServerAddress server, TimeProvider time, ChannelReader<PendingRequest> queued, Func<int> nextXid, FrameHandler onFrame)
    {
        _socket = socket;
        Server = server;
        _time = time;
        _queued = queued;
        _nextXid = nextXid;
        _onFrame = onFrame;
        _lastSent = _lastReceived = time.GetTimestamp();
        _watchdog = new Timer(static state => ((ActiveConnection)state!).CheckReader(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Handles one frame from the server (without its length prefix), on the reader.</summary>
    /// <returns>The request the frame answered, if it took the reply (<see cref="PendingRequest.TryAcceptReply"/>).</returns>
    public delegate PendingRequest? FrameHandler(ActiveConnection connection, ReadOnlySpan<byte> frame);

    public ServerAddress Server { get; }

    /// <summary>Whether the watchdog's timer runs now.</summary>
    internal bool WatchdogArmed => Volatile.Read(ref _watchdogArmed);

    /// <summary>How often the watchdog ran on this connection.</summary>
    internal long WatchdogChecks => Interlocked.Read(ref _watchdogChecks);

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
    public void SendPreamble(IReadOnlyList<byte[]> frames)
    {
        foreach (var frame in frames)
        {
            SendAll(_socket, frame);
        }

        MarkSent();
    }

    /// <summary>
    /// Sends all of <paramref name="bytes"/> with blocking calls. The socket of a connection is only ever used with
    /// blocking calls: a socket used asynchronously once is switched to non-blocking mode and registered with the
    /// runtime's epoll thread, whose every wake-up (one per reply) then costs a thread-pool work item.
    /// </summary>
    public static void SendAll(Socket socket, ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            bytes = bytes[socket.Send(bytes)..];
        }
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
        SendAndRelease(request.Frame);
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

            SendAndRelease(_batch.WrittenSpan);
        }
    }

    /// <summary>Starts the read side: a thread of its own (see <see cref="ReadLoop"/>).</summary>
    public void StartReading() => StartReader(orphaned: null);

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

        try
        {
            // Wakes a blocked receive or send at once.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Not connected any more, or closed already.
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
        lock (_watchdogGate)
        {
            _watchdogStopped = true;
            _watchdog.Dispose();
        }
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

    /// <summary>Under the write lock, which it releases when the bytes are sent (at once unless the socket's buffer is
    /// full: the server is not reading). A failed send aborts the connection; what it staged is then failed with
    /// the rest of the FIFO.</summary>
    private void SendAndRelease(ReadOnlySpan<byte> bytes)
    {
        try
        {
            SendAll(_socket, bytes);
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

    /// <summary>
    /// A reader thread's loop: completes what an earlier reader left (see <see cref="CheckReader"/>), then waits for
    /// bytes in a blocking receive (the kernel wakes this thread itself when a reply arrives), parses every whole
    /// frame and completes the answered requests here, until the connection ends or reading is handed on.
    /// </summary>
    private void ReadLoop(ReplyBatch? orphaned)
    {
        var batch = new ReplyBatch();
        try
        {
            if (orphaned is not null && !Complete(orphaned))
            {
                return;
            }

            while (true)
            {
                var read = _socket.Receive(_buffer.AsSpan(_filled), SocketFlags.None, out var error);
                if (error != SocketError.Success)
                {
                    throw new SocketException((int)error);
                }

                if (read == 0)
                {
                    throw new EndOfStreamException("the server closed the connection");
                }

                _filled += read;
                Interlocked.Exchange(ref _lastReceived, _time.GetTimestamp());
                ParseFrames(batch.Requests);
                MakeRoomForNextFrame();
                if (batch.Requests.Count > 0)
                {
                    if (!Complete(batch))
                    {
                        return;
                    }

                    batch.Reset();
                }
            }
        }
#pragma warning disable CA1031 // Any failure ends this connection's reading; the session reconnects.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            EndReading(exception);

            // Replies parsed before the failure were taken by their requests: they must still reach their callers.
            if (batch.Requests.Count > 0)
            {
                Complete(batch);
            }
        }
    }

    /// <summary>
    /// Completes the batch's requests on this thread (their callers' continuations run here), watched by
    /// <see cref="CheckReader"/> meanwhile.
    /// </summary>
    /// <returns>False when reading was handed to another thread meanwhile: this thread must stop.</returns>
    private bool Complete(ReplyBatch batch)
    {
        var round = ++_rounds;
        Volatile.Write(ref _completingBatch, batch);
        Interlocked.Exchange(ref _completingRound, round);
        if (!Volatile.Read(ref _watchdogArmed))
        {
            ArmWatchdog();
        }

        batch.CompleteRemaining();
        return Interlocked.CompareExchange(ref _completingRound, 0, round) == round;
    }

    private void ArmWatchdog()
    {
        lock (_watchdogGate)
        {
            if (!_watchdogArmed && !_watchdogStopped)
            {
                _watchdogArmed = true;
                _idleChecks = 0;
                _watchdog.Change(HandOffAfter, HandOffAfter);
            }
        }
    }

    /// <summary>
    /// The watchdog, every <see cref="HandOffAfter"/>: when the reader has been running callers' continuations for a
    /// whole period (one of them blocks or computes), a new thread takes over reading, first completing what is left
    /// of that batch; the old thread ends when it gets its thread back. Disarms itself while no replies come (and once
    /// reading ended, unless a last batch is still being completed).
    /// </summary>
    private void CheckReader()
    {
        Interlocked.Increment(ref _watchdogChecks);
        lock (_watchdogGate)
        {
            if (_watchdogStopped)
            {
                return;
            }

            var round = Interlocked.Read(ref _completingRound);
            if (round != 0 && round == _checkedRound && Interlocked.CompareExchange(ref _completingRound, 0, round) == round)
            {
                StartReader(Volatile.Read(ref _completingBatch));
            }

            _idleChecks = round == 0 && Volatile.Read(ref _rounds) == _checkedRounds ? _idleChecks + 1 : 0;
            _checkedRound = round;
            _checkedRounds = Volatile.Read(ref _rounds);
            if (_idleChecks < IdleChecksBeforeDisarming && !_readEnded.Task.IsCompleted)
            {
                return;
            }

            // Dekker with Complete: it publishes its round before it reads the flag, this clears the flag before it reads the round.
            Volatile.Write(ref _watchdogArmed, false);
            Interlocked.MemoryBarrier();
            if (Interlocked.Read(ref _completingRound) != 0)
            {
                _watchdogArmed = true;
                return;
            }

            _watchdog.Change(Timeout.Infinite, Timeout.Infinite);
        }
    }

    private void StartReader(ReplyBatch? orphaned)
    {
        var thread = new Thread(static state =>
        {
            var (connection, orphaned) = ((ActiveConnection, ReplyBatch?))state!;
            connection.ReadLoop(orphaned);
        })
        {
            IsBackground = true,
            Name = "ZooKeeper reader",
        };
        thread.UnsafeStart((this, orphaned));
    }

    private void ParseFrames(List<PendingRequest> answered)
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
                answered.Add(request);
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

    /// <summary>Replies parsed from one receive, completed in order by whichever threads take them (see <see cref="CheckReader"/>).</summary>
    private sealed class ReplyBatch
    {
        private int _next;

        public List<PendingRequest> Requests { get; } = [];

        /// <summary>Completes the requests no thread has taken yet, each by exactly one thread.</summary>
        public void CompleteRemaining()
        {
            for (var i = Interlocked.Increment(ref _next) - 1; i < Requests.Count; i = Interlocked.Increment(ref _next) - 1)
            {
                Requests[i].CompleteAccepted();
            }
        }

        /// <summary>For the next receive; only while no other thread can hold this batch.</summary>
        public void Reset()
        {
            Requests.Clear();
            _next = 0;
        }
    }
}
