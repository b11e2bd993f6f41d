using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace ZkSync.Benchmarks.ZkClient;

/// <summary>
/// The server's own ceiling for the all-in-flight getData line: the same requests, encoded up front
/// and written back to back over a bare socket, replies only counted. No client library can beat
/// it, so it tells whether a low ratio on that line is the client's fault or the server's limit.
/// </summary>
internal static class RawPipelinedGet
{
    private const int GetDataOpCode = 4;
    private const int CloseSessionOpCode = -11;
    private const int ChunkBytes = 64 * 1024;

    public static async Task<TimeSpan> MeasureAsync(string connectionString, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var colon = connectionString.LastIndexOf(':');
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(connectionString[..colon], int.Parse(connectionString[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), cancellationToken)
            .ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await using var replies = new BufferedStream(stream, ChunkBytes);

        // ConnectRequest: protocol version, last zxid, timeout (ms), session id, password, read-only.
        var connect = new byte[4 + 45];
        BinaryPrimitives.WriteInt32BigEndian(connect, 45);
        BinaryPrimitives.WriteInt32BigEndian(connect.AsSpan(16), 30_000);
        BinaryPrimitives.WriteInt32BigEndian(connect.AsSpan(28), 16);
        await stream.WriteAsync(connect, cancellationToken).ConfigureAwait(false);
        await ReadFrameAsync(replies, new byte[64], cancellationToken).ConfigureAwait(false);

        var requests = new MemoryStream();
        for (var i = 0; i < paths.Count; i++)
        {
            var path = Encoding.UTF8.GetBytes(paths[i]);
            var frame = new byte[4 + 4 + 4 + 4 + path.Length + 1];
            BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), i + 1);
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(8), GetDataOpCode);
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(12), path.Length);
            path.CopyTo(frame, 16);
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
            var length = await ReadFrameAsync(replies, buffer, cancellationToken).ConfigureAwait(false);
            var xid = BinaryPrimitives.ReadInt32BigEndian(buffer);
            var error = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(12));
            if (length < 16 || xid != i + 1 || error != 0)
            {
                throw new InvalidOperationException($"raw getData reply {i}: xid {xid}, error {error}");
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        await writer.ConfigureAwait(false);

        byte[] close = [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0];
        BinaryPrimitives.WriteInt32BigEndian(close.AsSpan(4), paths.Count + 1);
        BinaryPrimitives.WriteInt32BigEndian(close.AsSpan(8), CloseSessionOpCode);
        await stream.WriteAsync(close, cancellationToken).ConfigureAwait(false);
        await ReadFrameAsync(replies, buffer, cancellationToken).ConfigureAwait(false);
        return elapsed;
    }

    private static async Task<int> ReadFrameAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        await stream.ReadExactlyAsync(buffer.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(buffer);
        if (length < 0 || length > buffer.Length)
        {
            throw new InvalidOperationException($"raw reply frame of {length} bytes");
        }

        await stream.ReadExactlyAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        return length;
    }
}
