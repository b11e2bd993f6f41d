using System.Net;
using System.Net.Sockets;

namespace ZkSync.Testing;

/// <summary>
/// Free TCP ports on 127.0.0.1, the one helper for every test project: single ports by binding port 0 and reading
/// the port the kernel chose, and blocks of consecutive ports below the kernel's ephemeral range (zkrsync
/// destinations count up from a <c>--startport</c>). Nothing is handed out twice in one process, so servers started
/// by parallel tests do not collide with each other.
/// </summary>
public static class FreePort
{
    private const int FirstBlockPort = 20000;
    private const int LastBlockPort = 32000;
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> HandedOut = [];
    private static int _nextBlock = FirstBlockPort + (Environment.ProcessId % 100 * 100);

    /// <summary>
    /// The first of <paramref name="size"/> consecutive ports that are free now and were not handed out before in
    /// this process, for one session's <c>--startport</c>: destinations of different sessions each count up from
    /// 4444 by default, and parallel tests (and other rsync daemons on the machine) would collide there.
    /// </summary>
    public static int Block(int size = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        lock (Gate)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                if (_nextBlock + size > LastBlockPort)
                {
                    _nextBlock = FirstBlockPort;
                }

                var start = _nextBlock;
                _nextBlock += size;
                if (Enumerable.Range(start, size).All(port => !HandedOut.Contains(port) && IsFree(port)))
                {
                    HandedOut.UnionWith(Enumerable.Range(start, size));
                    return start;
                }
            }

            throw new InvalidOperationException($"no {size} consecutive free ports between {FirstBlockPort} and {LastBlockPort}");
        }
    }

    /// <summary>Returns one free loopback port.</summary>
    public static int Next() => Reserve(1)[0];

    /// <summary>
    /// Returns <paramref name="count"/> distinct free loopback ports. All of them are held bound
    /// at the same time while searching, so they are distinct from each other.
    /// </summary>
    public static IReadOnlyList<int> Reserve(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var sockets = new List<Socket>(count);
        try
        {
            lock (Gate)
            {
                var ports = new List<int>(count);
                for (var attempt = 0; ports.Count < count; attempt++)
                {
                    if (attempt >= count * 100)
                    {
                        throw new InvalidOperationException($"Could not find {count} free ports on 127.0.0.1.");
                    }

                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    sockets.Add(socket);
                    socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                    var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
                    if (HandedOut.Add(port))
                    {
                        ports.Add(port);
                    }
                }

                return ports;
            }
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
