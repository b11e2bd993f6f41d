using System.Net;
using System.Net.Sockets;

namespace ZkSync.ZooKeeper.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of a server, for network faults the server itself cannot make:
/// <see cref="Block"/> cuts every connection and refuses new ones (accepts and closes them at
/// once) until <see cref="Unblock"/>, so a client stays disconnected while its session lives on
/// the server and others change things there.
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

    public async ValueTask DisposeAsync()
    {
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

            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    private bool IsBlocked()
    {
        lock (_gate)
        {
            return _blocked;
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
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
