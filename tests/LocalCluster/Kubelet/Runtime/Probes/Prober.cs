using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using k8s.Models;

namespace ZkSync.LocalCluster.Kubelet.Runtime.Probes;

/// <summary>
/// Runs one probe attempt as the kubelet's probers do (pkg/probe): <c>httpGet</c> succeeds on a status from 200
/// to 399 (redirects followed, certificates not checked, no proxy, <c>kube-probe</c> User-Agent);
/// <c>tcpSocket</c> when a connection opens; <c>exec</c> when the command, run in the container's namespaces,
/// root, user and environment, exits with 0. Each attempt is bounded by <c>timeoutSeconds</c>. gRPC probes are
/// not modelled: they fail, saying so.
/// </summary>
internal sealed class Prober : IDisposable
{
    private const int MaxOutput = 10 * 1024; // the kubelet keeps 10 KiB of a probe's output
    private readonly HttpClient _http;
    private readonly RuntimeTools _tools;
    private readonly TimeProvider _time;
    private readonly string _userAgent;

    public Prober(RuntimeTools tools, string userAgent, TimeProvider time)
    {
        _tools = tools;
        _userAgent = userAgent;
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 10,
            PooledConnectionLifetime = TimeSpan.Zero, // the kubelet disables keep-alive
            SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<ProbeOutcome> RunAsync(V1Probe probe, ProbeTarget target, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds ?? 1));
        using var attempt = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(attempt.Token, cancellationToken);
        try
        {
            if (probe.HttpGet is { } httpGet)
            {
                return await HttpGetAsync(httpGet, target, linked.Token).ConfigureAwait(false);
            }

            if (probe.TcpSocket is { } tcpSocket)
            {
                return await TcpSocketAsync(tcpSocket, target, linked.Token).ConfigureAwait(false);
            }

            if (probe.Exec is { } exec)
            {
                return await ExecAsync(exec, target, linked.Token).ConfigureAwait(false);
            }

            return new ProbeOutcome(false, probe.Grpc is not null
                ? "gRPC probes are not modelled by the local kubelet"
                : "the probe has no httpGet, tcpSocket or exec handler");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeOutcome(false, probe.Exec?.Command is { Count: > 0 } command
                ? $"command \"{string.Join(' ', command)}\" timed out"
                : $"probe timed out after {GoDuration.Format(timeout)}");
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<ProbeOutcome> HttpGetAsync(V1HTTPGetAction action, ProbeTarget target, CancellationToken cancellationToken)
    {
        if (ResolvePort(action.Port?.Value, target) is not { } port)
        {
            return UnknownPort(action.Port?.Value);
        }

        var scheme = string.Equals(action.Scheme, "HTTPS", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
        var host = string.IsNullOrEmpty(action.Host) ? target.PodIP.ToString() : action.Host;
        var path = string.IsNullOrEmpty(action.Path) ? "/" : action.Path.StartsWith('/') ? action.Path : "/" + action.Path;
        var url = new UriBuilder(scheme, host, port).Uri + path.TrimStart('/');
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
        request.Headers.TryAddWithoutValidation("Accept", "*/*");
        request.Headers.ConnectionClose = true;
        foreach (var header in action.HttpHeaders ?? [])
        {
            if (string.Equals(header.Name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = header.Value;
                continue;
            }

            request.Headers.Remove(header.Name);
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var body = await ReadLimitedAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken)
                .ConfigureAwait(false);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 400
                ? new ProbeOutcome(true, body)
                : new ProbeOutcome(false, string.Create(CultureInfo.InvariantCulture, $"HTTP probe failed with statuscode: {code}"));
        }
        catch (HttpRequestException e)
        {
            return new ProbeOutcome(false, $"Get \"{url}\": {e.InnerException?.Message ?? e.Message}");
        }
    }

    private static async Task<ProbeOutcome> TcpSocketAsync(V1TCPSocketAction action, ProbeTarget target, CancellationToken cancellationToken)
    {
        if (ResolvePort(action.Port?.Value, target) is not { } port)
        {
            return UnknownPort(action.Port?.Value);
        }

        var host = string.IsNullOrEmpty(action.Host) ? target.PodIP.ToString() : action.Host;
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new ProbeOutcome(true, "");
        }
        catch (SocketException e)
        {
            return new ProbeOutcome(false, string.Create(CultureInfo.InvariantCulture, $"dial tcp {host}:{port}: connect: {e.Message}"));
        }
    }

    private async Task<ProbeOutcome> ExecAsync(V1ExecAction action, ProbeTarget target, CancellationToken cancellationToken)
    {
        var command = action.Command?.ToList() ?? [];
        if (command.Count == 0)
        {
            return new ProbeOutcome(false, "the exec probe has no command");
        }

        var searchPath = target.Environment.LastOrDefault(pair => pair.Key == "PATH").Value;
        // Found in the image directory (or on the host PATH) as the container's program is; otherwise setpriv
        // looks it up on the container's PATH inside its root.
        var program = ImageFiles.ContainerPath(
                ExecutableLookup.Find(command[0], target.ImageDirectory, searchPath, target.WorkingDir, ExecutableLookup.IsExecutableFile),
                target.ImageDirectory, target.ImageConfig)
            ?? command[0];
        var arguments = new List<string>
        {
            "--", _tools.Nsenter, "--target", target.HostPid.ToString(CultureInfo.InvariantCulture),
            "--mount", "--pid", "--uts", "--ipc", "--root", "--wd", "--",
            _tools.Setpriv,
            "--reuid=" + target.Identity.Uid.ToString(CultureInfo.InvariantCulture),
            "--regid=" + target.Identity.Gid.ToString(CultureInfo.InvariantCulture),
            "--groups=" + string.Join(',', target.Identity.Groups.Select(group => group.ToString(CultureInfo.InvariantCulture))),
        };
        if (target.NoNewPrivileges)
        {
            arguments.Add("--no-new-privs");
        }

        arguments.Add("--");
        arguments.Add(program);
        arguments.AddRange(command.Skip(1));
        using var process = HostProcess.Start(_tools.Setsid, arguments, target.Environment);
        process.StandardInput.Close();
        var output = new StringBuilder();
        var stdout = CollectAsync(process.StandardOutput, output);
        var stderr = CollectAsync(process.StandardError, output);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LinuxNative.SendSignal(-process.Id, LinuxNative.SigKill); // setsid made it the leader of its own group
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        string text;
        lock (output)
        {
            text = output.ToString();
        }

        return new ProbeOutcome(process.ExitCode == 0, text);
    }

    private static async Task CollectAsync(StreamReader reader, StringBuilder output)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            lock (output)
            {
                output.Append(buffer, 0, Math.Max(0, Math.Min(read, MaxOutput - output.Length)));
            }
        }
    }

    private static async Task<string> ReadLimitedAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxOutput];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>A probe's port: a number, or the name of one of the container's ports.</summary>
    private static int? ResolvePort(string? port, ProbeTarget target)
    {
        if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number is > 0 and < 65536 ? number : null;
        }

        return target.Ports.FirstOrDefault(candidate => candidate.Name == port)?.ContainerPort;
    }

    private static ProbeOutcome UnknownPort(string? port) => new(false, $"couldn't find port: {port}");
}
