using System.Net;
using System.Net.Sockets;

namespace ZkSync.Testing;

/// <summary>
/// Finds free TCP ports on 127.0.0.1 by binding port 0 and reading the port the kernel chose.
/// A port is never handed out twice in one process, so servers started by parallel tests do not
/// collide with each other.
/// </summary>
public static class FreePort
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> HandedOut = [];

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
}
