using System.Net;
using System.Net.Sockets;

namespace ZkSync.Testing;

/// <summary>
/// A loopback TCP proxy in front of a server, for network faults the server itself cannot make:
/// <see cref="Block"/> cuts every connection and refuses new ones (accepts and closes them at
/// once) until <see cref="Unblock"/>, so a client stays disconnected while its session lives on
/// the server and others change things there. <see cref="HoldReplies"/> keeps forwarding requests
/// but holds the server's answers back, so a request is provably in flight (the server applied it,
/// the client has no reply) until <see cref="ReleaseReplies"/> or the connection is cut.
/// <see cref="DropRequests"/> swallows what clients send (a request lost on the way: the server never applies
/// it) until <see cref="ForwardRequests"/>. <see cref="ResetConnections"/> cuts every connection and goes on
/// accepting: a network that keeps dropping connections.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _acceptLoop;
    private bool _blocked;
    private bool _droppingRequests;
    private int _resets;
    private TaskCompletionSource _repliesReleased = CompletedSignal();
    private TaskCompletionSource _dropped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TcpProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Calls of <see cref="ResetConnections"/> that cut at least one connection.</summary>
    public int Resets => Volatile.Read(ref _resets);

    /// <summary>Connections proxied right now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _sockets.Count / 2;
            }
        }
    }

    /// <summary>Closes (with a reset) every proxied connection; new ones are accepted. True when one was cut.</summary>
    public bool ResetConnections()
    {
        var open = TakeOpenSockets();
        foreach (var socket in open)
        {
            socket.Close(0);
        }

        if (open.Count == 0)
        {
            return false;
        }

        Interlocked.Increment(ref _resets);
        return true;
    }

    /// <summary>Swallows everything clients send from now on, until <see cref="ForwardRequests"/>. The returned task
    /// completes when the first bytes have been swallowed (a request is provably lost).</summary>
    public Task DropRequests()
    {
        lock (_gate)
        {
            _droppingRequests = true;
            if (_dropped.Task.IsCompleted)
            {
                _dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _dropped.Task;
        }
    }

    public void ForwardRequests()
    {
        lock (_gate)
        {
            _droppingRequests = false;
        }
    }

    /// <summary>Closes every proxied connection and refuses new ones until <see cref="Unblock"/>.</summary>
    public void Block()
    {
        lock (_gate)
        {
            _blocked = true;
        }

        foreach (var socket in TakeOpenSockets())
        {
            socket.Close(0);
        }
    }

    public void Unblock()
    {
        lock (_gate)
        {
            _blocked = false;
        }
    }

    /// <summary>Holds back everything the server sends until <see cref="ReleaseReplies"/>.</summary>
    public void HoldReplies()
    {
        lock (_gate)
        {
            if (_repliesReleased.Task.IsCompleted)
            {
                _repliesReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void ReleaseReplies()
    {
        lock (_gate)
        {
            _repliesReleased.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseReplies();
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Block();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            if (IsBlocked())
            {
                client.Close(0);
                continue;
            }

            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                client.Close(0);
                upstream.Dispose();
                continue;
            }

            bool blocked;
            lock (_gate)
            {
                blocked = _blocked;
                if (!blocked)
                {
                    _sockets.Add(client);
                    _sockets.Add(upstream);
                }
            }

            if (blocked)
            {
                client.Close(0);
                upstream.Close(0);
                continue;
            }

            _ = PumpAsync(client, upstream, () => Task.CompletedTask, IsDroppingRequests);
            _ = PumpAsync(upstream, client, RepliesReleased, static () => false);
        }
    }

    private List<Socket> TakeOpenSockets()
    {
        lock (_gate)
        {
            List<Socket> open = [.. _sockets];
            _sockets.Clear();
            return open;
        }
    }

    private bool IsDroppingRequests()
    {
        lock (_gate)
        {
            if (_droppingRequests)
            {
                _dropped.TrySetResult();
            }

            return _droppingRequests;
        }
    }

    private bool IsBlocked()
    {
        lock (_gate)
        {
            return _blocked;
        }
    }

    private Task RepliesReleased()
    {
        lock (_gate)
        {
            return _repliesReleased.Task;
        }
    }

    private static TaskCompletionSource CompletedSignal()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.SetResult();
        return signal;
    }

    private static async Task PumpAsync(Socket from, Socket to, Func<Task> released, Func<bool> dropping)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                await released().ConfigureAwait(false);
                if (!dropping())
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // One side went away; close both below.
        }

        from.Close(0);
        to.Close(0);
    }
}
