using System.Net;
using System.Net.Sockets;

namespace ZkSync.Worker.Tests.Sessions.Support;

/// <summary>
/// Blocks of consecutive free loopback ports below the kernel's ephemeral range, one per session, for
/// <c>--startport</c>: destinations of different sessions each count up from 4444 by default, and
/// parallel tests (and other rsync daemons on the machine) would collide there.
/// </summary>
public static class PortBlock
{
    private const int First = 20000;
    private const int Last = 32000;
    private static readonly Lock Gate = new();
    private static int _next = First + (Environment.ProcessId % 100 * 100);

    /// <summary>The first port of <paramref name="size"/> consecutive ports that are free now and not handed out before in this process.</summary>
    public static int Next(int size = 16)
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                if (_next + size > Last)
                {
                    _next = First;
                }

                var start = _next;
                _next += size;
                if (Enumerable.Range(start, size).All(IsFree))
                {
                    return start;
                }
            }

            throw new InvalidOperationException($"no {size} consecutive free ports between {First} and {Last}");
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
