using System.Net;
using System.Net.Sockets;

namespace ZkSync.ZooKeeper.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of a server, for network faults the server itself cannot make:
/// <see cref="Block"/> cuts every connection and refuses new ones (accepts and closes them at
/// once) until <see cref="Unblock"/>, so a client stays disconnected while its session lives on
/// the server and others change things there. <see cref="HoldReplies"/> keeps forwarding requests
/// but holds the server's answers back, so a request is provably in flight (the server applied it,
/// the client has no reply) until <see cref="ReleaseReplies"/> or the connection is cut.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _acceptLoop;
    private bool _blocked;
    private TaskCompletionSource _repliesReleased = CompletedSignal();

    public TcpProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Closes every proxied connection and refuses new ones until <see cref="Unblock"/>.</summary>
    public void Block()
    {
        List<Socket> open;
        lock (_gate)
        {
            _blocked = true;
            open = [.. _sockets];
            _sockets.Clear();
        }

        foreach (var socket in open)
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
        await _stop.CancelAsync();
        _listener.Stop();
        Block();
        try
        {
            await _acceptLoop;
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
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            if (IsBlocked())
            {
                client.Close(0);
                continue;
            }

            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
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

            _ = PumpAsync(client, upstream, () => Task.CompletedTask);
            _ = PumpAsync(upstream, client, RepliesReleased);
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

    private static async Task PumpAsync(Socket from, Socket to, Func<Task> released)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }

                await released();
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
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
