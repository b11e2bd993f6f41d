using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ZkSync.Operator.Endpoints;

/// <summary>
/// A small HTTP/1.1 server for the operator's probes and metrics, in place of ASP.NET Core: Kestrel and its
/// framework were a large share of the operator's resident memory for three GET endpoints (see the README's
/// operator benchmark). One request per connection (answered with <c>Connection: close</c>, as kubelet probes and
/// Prometheus scrapes both accept); requests that are malformed (400), too large (431), of another HTTP version
/// (505) or too slow (closed after 10 s) are refused without reaching the handler.
/// </summary>
public sealed partial class EndpointServer : IHostedService, IAsyncDisposable
{
    private const int MaxRequestBytes = 8192;
    private const int MaxConnections = 64;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(1);

    private readonly IPEndPoint _requested;
    private readonly Func<EndpointRequest, CancellationToken, Task<EndpointResponse>> _answer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;

    public EndpointServer(IPEndPoint endPoint, Func<EndpointRequest, CancellationToken, Task<EndpointResponse>> answer, TimeProvider time, ILogger<EndpointServer> logger)
    {
        _requested = endPoint;
        _answer = answer;
        _time = time;
        _logger = logger;
    }

    /// <summary>Where it listens once started (the port the system chose when port 0 was asked for).</summary>
    public IPEndPoint? EndPoint { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var listener = new Socket(_requested.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_requested.AddressFamily == AddressFamily.InterNetworkV6 && _requested.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            // No ReuseAddress: on Linux .NET makes it SO_REUSEPORT too, and a second operator would share the port.
            // .NET sets SO_REUSEADDR on TCP sockets itself, so a restarted one binds despite connections in TIME_WAIT.
            listener.Bind(_requested);
            listener.Listen(128);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new InvalidOperationException($"cannot listen on {_requested} (Operator:Http:Address and Port): {e.Message}", e);
        }

        _listener = listener;
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        LogListening(_logger, EndPoint);
        _accepting = AcceptAsync(listener, _stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting, then waits for the requests being answered (until <paramref name="cancellationToken"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _accepting.ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // E.g. out of file descriptors: wait a little rather than spin.
                LogAcceptFailed(_logger, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            if (_connections.Count >= MaxConnections)
            {
                client.Dispose();
                continue;
            }

            // Not cancelled by stopping: a request being answered is finished (within its timeout).
            var connection = ServeAsync(client);
            _connections.TryAdd(connection, true);
            _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        await Task.Yield();
        using var timeout = new CancellationTokenSource(RequestTimeout, _time);
        var stream = new NetworkStream(client, ownsSocket: true);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                var (request, refusal) = await ReadRequestAsync(stream, timeout.Token).ConfigureAwait(false);
                var response = refusal ?? (request is null ? null : await AnswerAsync(request, timeout.Token).ConfigureAwait(false));
                if (response is not null)
                {
                    await WriteAsync(stream, response, request?.Method == "HEAD", timeout.Token).ConfigureAwait(false);
                    await LingerAsync(client, stream).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // Too slow: the connection is closed unanswered.
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                LogConnectionFailed(_logger, e.Message);
            }
        }
    }

    private async Task<EndpointResponse> AnswerAsync(EndpointRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await _answer(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAnswerFailed(_logger, e, request.Method, request.Path);
            return EndpointResponse.Text(500, "internal error\n");
        }
    }

    /// <summary>The request, or the refusal to send instead, or neither when the client closed before a whole
    /// request head arrived.</summary>
    private static async Task<(EndpointRequest? Request, EndpointResponse? Refusal)> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        int end;
        while ((end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (length == buffer.Length)
            {
                return (null, EndpointResponse.Text(431, $"request head larger than {MaxRequestBytes} bytes\n"));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (null, null);
            }

            length += read;
        }

        return Parse(Encoding.Latin1.GetString(buffer, 0, end));
    }

    internal static (EndpointRequest? Request, EndpointResponse? Refusal) Parse(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || !parts[0].All(char.IsAsciiLetterUpper) || parts[1].Length == 0)
        {
            return (null, EndpointResponse.Text(400, "bad request line\n"));
        }

        if (parts[2] is not ("HTTP/1.1" or "HTTP/1.0"))
        {
            return parts[2].StartsWith("HTTP/", StringComparison.Ordinal)
                ? (null, EndpointResponse.Text(505, "only HTTP/1.1 and HTTP/1.0 are served\n"))
                : (null, EndpointResponse.Text(400, "bad request line\n"));
        }

        string? accept = null;
        var host = false;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.AsSpan(0, colon).ContainsAny(' ', '\t'))
            {
                return (null, EndpointResponse.Text(400, "bad header line\n"));
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            host |= name.Equals("Host", StringComparison.OrdinalIgnoreCase);
            if (name.Equals("Accept", StringComparison.OrdinalIgnoreCase))
            {
                accept = accept is null ? value : accept + ", " + value;
            }
        }

        if (!host && parts[2] == "HTTP/1.1")
        {
            return (null, EndpointResponse.Text(400, "an HTTP/1.1 request needs a Host header\n"));
        }

        var target = parts[1];
        string path;
        if (target.StartsWith('/'))
        {
            path = target.Split('?', 2)[0];
        }
        else if (Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            path = absolute.AbsolutePath;
        }
        else
        {
            return (null, EndpointResponse.Text(400, "bad request target\n"));
        }

        return (new EndpointRequest(parts[0], path, accept), null);
    }

    private async Task WriteAsync(NetworkStream stream, EndpointResponse response, bool headOnly, CancellationToken cancellationToken)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} {ReasonPhrase(response.Status)}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Date: {_time.GetUtcNow():r}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: {response.ContentType}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {response.Body.Length}\r\n");
        if (response.Allow is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Allow: {response.Allow}\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken).ConfigureAwait(false);
        if (!headOnly)
        {
            await stream.WriteAsync(response.Body, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Half-closes, then reads what the client still sends (a body nobody asked for) for a moment: closing
    /// with unread data would reset the connection, and the client could lose the response.</summary>
    private async Task LingerAsync(Socket client, NetworkStream stream)
    {
        client.Shutdown(SocketShutdown.Send);
        using var timeout = new CancellationTokenSource(LingerTimeout, _time);
        var discard = new byte[4096];
        for (var total = 0; total < 16 * discard.Length;)
        {
            var read = await stream.ReadAsync(discard, timeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            total += read;
        }
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status " + status.ToString(CultureInfo.InvariantCulture),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving /healthz, /readyz and /metrics on {EndPoint}")]
    private static partial void LogListening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accepting a connection to the endpoints failed: {Reason}")]
    private static partial void LogAcceptFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "An endpoint connection failed: {Reason}")]
    private static partial void LogConnectionFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Answering {Method} {Path} failed")]
    private static partial void LogAnswerFailed(ILogger logger, Exception exception, string method, string path);
}
