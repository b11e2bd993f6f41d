using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace ZkSync.Benchmarks.ZkClient;

/// <summary>
/// The server's own ceilings for getData: the same requests as a workload's, encoded up front and sent over a
/// bare socket, replies only checked. <see cref="ServerCeiling.PipelinedGet"/> writes them back to back (the
/// all-in-flight line); <see cref="ServerCeiling.SequentialGet"/> makes one blocking round trip at a time on one
/// thread (a synchronous socket, so the kernel wakes that thread itself: the least any client can add to a
/// sequential call). No client library can beat them, so they tell whether a low ratio is the client's fault
/// or the server's limit.
/// </summary>
internal static class RawGet
{
    private const int GetDataOpCode = 4;
    private const int CloseSessionOpCode = -11;
    private const int ChunkBytes = 64 * 1024;

    /// <summary>The time the requests took, from the first sent to the last reply read (connecting not included).</summary>
    public static Task<TimeSpan> MeasureAsync(string connectionString, IReadOnlyList<string> paths, ServerCeiling ceiling, CancellationToken cancellationToken) =>
        ceiling switch
        {
            ServerCeiling.PipelinedGet => PipelinedAsync(connectionString, paths, cancellationToken),
            ServerCeiling.SequentialGet => Task.Run(() => Sequential(connectionString, paths, cancellationToken), cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(ceiling), ceiling, "no such ceiling"),
        };

    private static async Task<TimeSpan> PipelinedAsync(string connectionString, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var (host, port) = HostAndPort(connectionString);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await using var replies = new BufferedStream(stream, ChunkBytes);
        await stream.WriteAsync(ConnectRequest(), cancellationToken).ConfigureAwait(false);
        await ReadFrameAsync(replies, new byte[64], cancellationToken).ConfigureAwait(false);

        var requests = new MemoryStream();
        foreach (var frame in Requests(paths))
        {
            requests.Write(frame);
        }

        var bytes = requests.ToArray();
        var buffer = new byte[64 * 1024];
        var start = Stopwatch.GetTimestamp();
        var writer = Task.Run(async () =>
        {
            for (var offset = 0; offset < bytes.Length; offset += ChunkBytes)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(ChunkBytes, bytes.Length - offset)), cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
        for (var i = 0; i < paths.Count; i++)
        {
            CheckReply(i, buffer, await ReadFrameAsync(replies, buffer, cancellationToken).ConfigureAwait(false));
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        await writer.ConfigureAwait(false);
        await stream.WriteAsync(CloseRequest(paths.Count + 1), cancellationToken).ConfigureAwait(false);
        await ReadFrameAsync(replies, buffer, cancellationToken).ConfigureAwait(false);
        return elapsed;
    }

    /// <summary>Synchronous calls only: a socket used asynchronously once waits on the runtime's epoll thread ever after.</summary>
    private static TimeSpan Sequential(string connectionString, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var (host, port) = HostAndPort(connectionString);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 30_000, SendTimeout = 30_000 };
        using var abort = cancellationToken.Register(socket.Dispose);
        socket.Connect(host, port);
        var buffer = new byte[64 * 1024];
        socket.Send(ConnectRequest());
        ReadFrame(socket, buffer);

        var requests = Requests(paths);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < requests.Length; i++)
        {
            socket.Send(requests[i]);
            CheckReply(i, buffer, ReadFrame(socket, buffer));
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        socket.Send(CloseRequest(paths.Count + 1));
        ReadFrame(socket, buffer);
        return elapsed;
    }

    private static (string Host, int Port) HostAndPort(string connectionString)
    {
        var colon = connectionString.LastIndexOf(':');
        return (connectionString[..colon], int.Parse(connectionString[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>ConnectRequest: protocol version, last zxid, timeout (ms), session id, password, read-only.</summary>
    private static byte[] ConnectRequest()
    {
        var connect = new byte[4 + 45];
        BinaryPrimitives.WriteInt32BigEndian(connect, 45);
        BinaryPrimitives.WriteInt32BigEndian(connect.AsSpan(16), 30_000);
        BinaryPrimitives.WriteInt32BigEndian(connect.AsSpan(28), 16);
        return connect;
    }

    /// <summary>One getData frame per path (no watch), xids 1, 2, ...</summary>
    private static byte[][] Requests(IReadOnlyList<string> paths)
    {
        var frames = new byte[paths.Count][];
        for (var i = 0; i < paths.Count; i++)
        {
            var path = Encoding.UTF8.GetBytes(paths[i]);
            var frame = new byte[4 + 4 + 4 + 4 + path.Length + 1];
            BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), i + 1);
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(8), GetDataOpCode);
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(12), path.Length);
            path.CopyTo(frame, 16);
            frames[i] = frame;
        }

        return frames;
    }

    private static byte[] CloseRequest(int xid)
    {
        byte[] close = [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0];
        BinaryPrimitives.WriteInt32BigEndian(close.AsSpan(4), xid);
        BinaryPrimitives.WriteInt32BigEndian(close.AsSpan(8), CloseSessionOpCode);
        return close;
    }

    private static void CheckReply(int index, byte[] frame, int length)
    {
        var xid = BinaryPrimitives.ReadInt32BigEndian(frame);
        var error = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(12));
        if (length < 16 || xid != index + 1 || error != 0)
        {
            throw new InvalidOperationException($"raw getData reply {index}: xid {xid}, error {error}");
        }
    }

    private static async Task<int> ReadFrameAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        await stream.ReadExactlyAsync(buffer.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
        var length = FrameLength(buffer);
        await stream.ReadExactlyAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        return length;
    }

    private static int ReadFrame(Socket socket, byte[] buffer)
    {
        ReceiveExactly(socket, buffer.AsSpan(0, 4));
        var length = FrameLength(buffer);
        ReceiveExactly(socket, buffer.AsSpan(0, length));
        return length;
    }

    private static void ReceiveExactly(Socket socket, Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var read = socket.Receive(buffer);
            if (read == 0)
            {
                throw new EndOfStreamException("the server closed the raw connection");
            }

            buffer = buffer[read..];
        }
    }

    private static int FrameLength(byte[] prefix)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        return length < 0 || length > ChunkBytes ? throw new InvalidOperationException($"raw reply frame of {length} bytes") : length;
    }
}
