using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ZkSync.Testing;

/// <summary>ZooKeeper's four-letter-word admin commands (ruok, srvr, stat, cons, mntr...).</summary>
public static class FourLetterWords
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sends <paramref name="command"/> to 127.0.0.1:<paramref name="port"/> and returns the whole
    /// answer (the server closes the connection after it). Throws <see cref="SocketException"/>
    /// when nothing listens, <see cref="TimeoutException"/> when the answer does not come in 5 s.
    /// </summary>
    public static async Task<string> SendAsync(int port, string command, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            using var client = new TcpClient(AddressFamily.InterNetwork);
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command), timeout.Token).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"'{command}' to 127.0.0.1:{port} got no answer within {CommandTimeout.TotalSeconds} s.");
        }
    }
}
