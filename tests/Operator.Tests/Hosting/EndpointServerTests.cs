using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ZkSync.Operator.Endpoints;
using ZkSync.Operator.Runtime;

namespace ZkSync.Operator.Tests.Hosting;

/// <summary>The operator's endpoints over real sockets: what probes and scrapers get, and what malformed, oversized,
/// slow or unexpected requests get.</summary>
public sealed class EndpointServerTests : IAsyncLifetime
{
    private readonly OperatorHealth _health = new();
    private readonly OperatorMetrics _metrics = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly EndpointServer _server;
    private readonly HttpClient _http = new();

    public EndpointServerTests()
    {
        _server = new EndpointServer(new IPEndPoint(IPAddress.Loopback, 0), new OperatorEndpoints(_health, _metrics).AnswerAsync,
            _time, NullLogger<EndpointServer>.Instance);
    }

    public async Task InitializeAsync()
    {
        await _server.StartAsync(CancellationToken.None);
        _http.BaseAddress = new Uri($"http://{_server.EndPoint}");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Readyz_Is503UntilTheCrdIsServed_ThenSaysStandby()
    {
        var waiting = await _http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, waiting.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", waiting.Content.Headers.ContentType!.ToString());
        Assert.Equal("waiting for the ZkRsyncSession CRD to be served\n", await waiting.Content.ReadAsStringAsync());

        _health.CrdServed = true;
        var ready = await _http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("standby\n", await ready.Content.ReadAsStringAsync());
        Assert.Equal(_time.GetUtcNow(), ready.Headers.Date);
    }

    [Fact]
    public async Task Healthz_IsOk_Until_TheRuntimeFails_Then500WithTheFault()
    {
        var ok = await _http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("ok\n", await ok.Content.ReadAsStringAsync());
        Assert.Equal(3, ok.Content.Headers.ContentLength);

        _health.Fault = "watch loop ended";
        var failed = await _http.GetAsync("/healthz?verbose");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("failed: watch loop ended\n", await failed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_ArePrometheusText_OrOpenMetricsWhenTheScraperAsks()
    {
        _metrics.SetSession("ns", "s1", done: 3, left: 4, failed: 1, bytes: 4096);

        var text = await _http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", text.Content.Headers.ContentType!.ToString());
        Assert.Contains("zksync_session_paths{namespace=\"ns\",name=\"s1\",state=\"left\"} 4", await text.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.ParseAdd("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        var open = await _http.SendAsync(request);
        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", open.Content.Headers.ContentType!.ToString());
        Assert.EndsWith("# EOF\n", await open.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPath_Is404_AndAMethodOtherThanGetOrHead_Is405WithAllow()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/healthz/extra")).StatusCode);

        using var body = new StringContent(new string('x', 100_000));
        var post = await _http.PostAsync("/healthz", body);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(["GET", "HEAD"], post.Content.Headers.Allow);
    }

    [Fact]
    public async Task Head_AnswersTheHeadersWithoutTheBody()
    {
        var answer = await RawAsync("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Length: 3\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad Request")]
    [InlineData("GET /healthz HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request")]
    [InlineData("GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", "HTTP/1.1 400 Bad Request")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported")]
    [InlineData("GET http://operator:8080/readyz HTTP/1.1\r\nHost: operator\r\n\r\n", "HTTP/1.1 503 Service Unavailable")]
    [InlineData("GET /healthz HTTP/1.0\r\n\r\n", "HTTP/1.1 200 OK")]
    public async Task Requests_AreParsed_AndMalformedOnesRefused(string request, string statusLine)
    {
        var answer = await RawAsync(request);
        Assert.StartsWith(statusLine + "\r\n", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequestHeadLargerThan8KiB_Is431()
    {
        var answer = await RawAsync("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 9000) + "\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientThatNeverFinishesItsRequest_IsClosedAfter10Seconds()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_server.EndPoint!);
        var stream = client.GetStream();
        await stream.WriteAsync("GET /healthz HTTP/1.1\r\n"u8.ToArray());
        var read = stream.ReadAsync(new byte[64]).AsTask();

        // The server arms its timer when it starts on the connection: advance until it has closed it.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!read.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(11));
            await Task.WhenAny(read, Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token));
            deadline.Token.ThrowIfCancellationRequested();
        }

        Assert.Equal(0, await read);
    }

    [Fact]
    public async Task Stopped_ItNoLongerAccepts_And_APortInUseIsRefusedWithTheAddress()
    {
        var endPoint = _server.EndPoint!;
        await using var second = new EndpointServer(endPoint, new OperatorEndpoints(_health, _metrics).AnswerAsync, _time, NullLogger<EndpointServer>.Instance);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync(CancellationToken.None));
        Assert.Contains(endPoint.ToString(), refused.Message, StringComparison.Ordinal);

        await _server.StopAsync(CancellationToken.None);
        using var client = new TcpClient();
        var connect = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(endPoint));
        Assert.Equal(SocketError.ConnectionRefused, connect.SocketErrorCode);
    }

    [Fact]
    public async Task Restarted_ItBindsItsPortAgain_DespiteTheConnectionsItClosed()
    {
        // The server closes first (Connection: close), so its side of each connection waits in TIME_WAIT.
        Assert.StartsWith("HTTP/1.1 200 OK", await RawAsync("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), StringComparison.Ordinal);
        var endPoint = _server.EndPoint!;
        await _server.StopAsync(CancellationToken.None);

        await using var restarted = new EndpointServer(endPoint, new OperatorEndpoints(_health, _metrics).AnswerAsync, _time, NullLogger<EndpointServer>.Instance);
        await restarted.StartAsync(CancellationToken.None);
        Assert.Equal(endPoint, restarted.EndPoint);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/healthz")).StatusCode);
    }

    /// <summary>Sends <paramref name="request"/> as it is and returns everything the server writes until it closes.</summary>
    private async Task<string> RawAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_server.EndPoint!);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer).WaitAsync(TimeSpan.FromSeconds(30));
        return Encoding.Latin1.GetString(answer.ToArray());
    }
}
