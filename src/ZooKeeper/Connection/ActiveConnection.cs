using System.Collections.Concurrent;
using System.Net.Sockets;

namespace ZkSync.ZooKeeper.Connection;

/// <summary>One TCP connection of a session: its stream, the FIFO of requests sent on it, liveness clocks.</summary>
internal sealed class ActiveConnection(NetworkStream stream, ServerAddress server, CancellationTokenSource lifetime, TimeProvider time)
{
    private readonly Queue<PendingRequest> _pending = new();
    private long _lastSent = time.GetTimestamp();
    private long _lastReceived = time.GetTimestamp();
    private Exception? _abortReason;

    public NetworkStream Stream { get; } = stream;

    public ServerAddress Server { get; } = server;

    public CancellationToken Token { get; } = lifetime.Token;

    /// <summary>Auth requests sent on this connection; the server answers them in order with the reserved auth xid.
    /// Null entries are re-sent credentials nobody waits for.</summary>
    public ConcurrentQueue<PendingRequest?> AuthPending { get; } = new();

    public Exception? AbortReason => Volatile.Read(ref _abortReason);

    public void AddPending(PendingRequest request)
    {
        lock (_pending)
        {
            _pending.Enqueue(request);
        }
    }

    public PendingRequest? TakePending()
    {
        lock (_pending)
        {
            return _pending.TryDequeue(out var request) ? request : null;
        }
    }

    public void MarkSent() => Interlocked.Exchange(ref _lastSent, time.GetTimestamp());

    public void MarkReceived() => Interlocked.Exchange(ref _lastReceived, time.GetTimestamp());

    public TimeSpan SinceSent() => time.GetElapsedTime(Interlocked.Read(ref _lastSent));

    public TimeSpan SinceReceived() => time.GetElapsedTime(LastReceived);

    /// <summary>When the server was last heard from (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LastReceived => Interlocked.Read(ref _lastReceived);

    /// <summary>Stops the loops and closes the socket; the first reason given is kept.</summary>
    public void Abort(Exception reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        try
        {
            lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection already ended.
        }

        Stream.Socket.Close(0);
    }

    /// <summary>Fails every request sent on this connection and not answered.</summary>
    public void FailAll(Func<string?, Exception> exceptionFor)
    {
        List<PendingRequest> pending;
        lock (_pending)
        {
            pending = [.. _pending];
            _pending.Clear();
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
}
