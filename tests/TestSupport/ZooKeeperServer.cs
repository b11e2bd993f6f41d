using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace ZkSync.Testing;

/// <summary>
/// A real ZooKeeper 3.8 server process (Debian's package) on 127.0.0.1, with its own port, temp
/// directory and zoo.cfg. It can be stopped, killed and started again on the same port with the same
/// data directory, so data and sessions survive a restart. Either a standalone server (made with the
/// public constructor) or a member of a <see cref="ZooKeeperEnsemble"/>.
/// </summary>
public sealed class ZooKeeperServer : IAsyncDisposable
{
    private const string BoundMarker = "binding to port";

    private static readonly TimeSpan FirstProbeDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxProbeDelay = TimeSpan.FromMilliseconds(500);

    private readonly ZooKeeperServerOptions _options;
    private readonly string _mainClass;
    private readonly string _configPath;
    private readonly string? _ownedDirectory;
    private readonly bool _isEnsembleMember;
    private readonly ProcessLog _log = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private Process? _process;
    private int _runs;
    private bool _disposed;

    /// <summary>
    /// Prepares a standalone server on a free loopback port in a new temp directory; call
    /// <see cref="StartAsync"/> (or use <see cref="StartNewAsync"/>) to run it.
    /// </summary>
    public ZooKeeperServer(ZooKeeperServerOptions? options = null)
    {
        _options = options ?? ZooKeeperServerOptions.Default;
        _mainClass = ZooKeeperInstallation.StandaloneMainClass;
        Name = "zk";
        Port = FreePort.Next();
        _ownedDirectory = Directory.CreateTempSubdirectory("zksync-zk-").FullName;
        DataDirectory = Path.Combine(_ownedDirectory, "data");
        Directory.CreateDirectory(DataDirectory);
        _configPath = Path.Combine(_ownedDirectory, "zoo.cfg");
        File.WriteAllText(_configPath, ZooKeeperConfigFile.Build(_options, DataDirectory, Port, quorum: null));
    }

    /// <summary>An ensemble member; the ensemble owns (and deletes) its directory.</summary>
    internal ZooKeeperServer(
        ZooKeeperServerOptions options,
        string name,
        int port,
        string dataDirectory,
        string configPath)
    {
        _options = options;
        _mainClass = ZooKeeperInstallation.QuorumPeerMainClass;
        _isEnsembleMember = true;
        Name = name;
        Port = port;
        DataDirectory = dataDirectory;
        _configPath = configPath;
    }

    /// <summary>"zk" for a standalone server, "zk1".."zkN" for ensemble members.</summary>
    public string Name { get; }

    /// <summary>The client port on 127.0.0.1; the same over every restart.</summary>
    public int Port { get; }

    /// <summary>"127.0.0.1:port".</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public string DataDirectory { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The OS process id of the current run, or null when not running.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>Everything the server wrote to stdout and stderr over all its runs, with a marker line per start and exit.</summary>
    public string Log => _log.ToString();

    /// <summary>Prepares and starts a standalone server, waiting until it serves clients.</summary>
    public static async Task<ZooKeeperServer> StartNewAsync(ZooKeeperServerOptions? options, CancellationToken cancellationToken)
    {
        var server = new ZooKeeperServer(options);
        try
        {
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts the server process (again, after a stop or kill) and waits until it is ready: it bound
    /// its port and answers <c>ruok</c> with <c>imok</c>; a standalone server must also report
    /// <c>Mode: standalone</c> from <c>srvr</c>, meaning it serves requests. An ensemble member is
    /// only running after this; <see cref="ZooKeeperEnsemble.WaitForQuorumAsync"/> waits for it to
    /// join the quorum. Throws <see cref="TimeoutException"/> after
    /// <see cref="ZooKeeperServerOptions.StartTimeout"/>, with the log's tail in the message.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsRunning)
            {
                throw new InvalidOperationException($"ZooKeeper {Name} is already running.");
            }

            _process?.Dispose();
            _process = null;
            var process = Launch(out var bound);
            _process = process;
            try
            {
                await WaitUntilReadyAsync(process, bound, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await KillProcessAsync(process).ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the server gracefully (SIGTERM) and waits for it to exit; kills it after <see cref="ZooKeeperServerOptions.StopTimeout"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_process is not { HasExited: false } process)
            {
                return;
            }

            _log.AppendMarker($"{Name}: stopping (SIGTERM)");
            PosixSignals.Terminate(process.Id);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.StopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                _log.AppendMarker($"{Name}: did not stop within {_options.StopTimeout}, killing it");
                await KillProcessAsync(process).ConfigureAwait(false);
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Kills the server (SIGKILL), as a crash would, and waits for it to exit.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_process is { HasExited: false } process)
            {
                _log.AppendMarker($"{Name}: killing (SIGKILL)");
                await KillProcessAsync(process).ConfigureAwait(false);
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Sends a four-letter-word command (ruok, srvr, stat, cons, mntr...) and returns the answer.</summary>
    public Task<string> SendCommandAsync(string command, CancellationToken cancellationToken) =>
        FourLetterWords.SendAsync(Port, command, cancellationToken);

    /// <summary>
    /// The server's mode from <c>srvr</c>: "standalone", "leader" or "follower"; null when it does
    /// not answer or does not serve requests (not running, or a member without a quorum).
    /// </summary>
    public async Task<string?> GetModeAsync(CancellationToken cancellationToken)
    {
        string answer;
        try
        {
            answer = await SendCommandAsync("srvr", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SocketException or IOException or TimeoutException)
        {
            return null;
        }

        const string prefix = "Mode: ";
        return answer.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith(prefix, StringComparison.Ordinal))
            .Select(line => line[prefix.Length..])
            .FirstOrDefault();
    }

    /// <summary>Kills the process if it runs and deletes the server's temp directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_process is not null)
            {
                await KillProcessAsync(_process).ConfigureAwait(false);
                _process.Dispose();
                _process = null;
            }
        }
        finally
        {
            _lifecycle.Release();
        }

        if (_ownedDirectory is not null && Directory.Exists(_ownedDirectory))
        {
            Directory.Delete(_ownedDirectory, recursive: true);
        }

        _lifecycle.Dispose();
    }

    private Process Launch(out TaskCompletionSource bound)
    {
        ZooKeeperInstallation.EnsureInstalled();
        var startInfo = new ProcessStartInfo(ZooKeeperInstallation.FindJava())
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(_configPath)!,
        };
        string[] jvmTuning = _options.FastStartJvm ? ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"] : [];
        string[] arguments =
        [
            string.Create(CultureInfo.InvariantCulture, $"-Xmx{_options.HeapMegabytes}m"),
            .. jvmTuning,
            "-Dzookeeper.admin.enableServer=false",
            // TTL nodes (CreateMode.PersistentWithTtl) need the extended session-id types.
            "-Dzookeeper.extendedTypesEnabled=true",
            "-Dzookeeper.4lw.commands.whitelist=*",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            "-cp",
            ZooKeeperInstallation.ClassPath,
            _mainClass,
            _configPath,
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var run = Interlocked.Increment(ref _runs);
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        process.Exited += (_, _) => _log.AppendMarker(string.Create(
            CultureInfo.InvariantCulture, $"{Name} run {run}: exited with code {ExitCodeOf(process)}"));

        _log.AppendMarker(string.Create(CultureInfo.InvariantCulture, $"{Name} run {run}: starting on 127.0.0.1:{Port}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bound = signal;
        return process;

        void OnOutput(string? line)
        {
            if (line is null)
            {
                return;
            }

            _log.AppendLine(line);
            if (line.Contains(BoundMarker, StringComparison.Ordinal))
            {
                signal.TrySetResult();
            }
        }
    }

    private async Task WaitUntilReadyAsync(Process process, TaskCompletionSource bound, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.StartTimeout);
        try
        {
            // The server logs "binding to port" when its client port is open: wait for that signal
            // (or an early exit) before probing, so probing starts only when it can succeed.
            var exited = process.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(bound.Task, exited).ConfigureAwait(false) == exited)
            {
                await exited.ConfigureAwait(false);
                throw StartFailure($"exited with code {ExitCodeOf(process)} before binding its port");
            }

            // No signal says "serving"; probe with a short, growing delay, bounded by the timeout.
            var delay = FirstProbeDelay;
            while (true)
            {
                if (process.HasExited)
                {
                    throw StartFailure($"exited with code {ExitCodeOf(process)} while starting");
                }

                if (await IsReadyAsync(timeout.Token).ConfigureAwait(false))
                {
                    _log.AppendMarker($"{Name}: ready");
                    return;
                }

                await Task.Delay(delay, timeout.Token).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxProbeDelay.Ticks));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"ZooKeeper {Name} on 127.0.0.1:{Port} was not ready within {_options.StartTimeout}. Log tail:\n{_log.Tail(40)}");
        }
    }

    private async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            var answer = await SendCommandAsync("ruok", cancellationToken).ConfigureAwait(false);
            if (answer != "imok")
            {
                return false;
            }
        }
        catch (Exception exception) when (exception is SocketException or IOException or TimeoutException)
        {
            return false;
        }

        return _isEnsembleMember || await GetModeAsync(cancellationToken).ConfigureAwait(false) == "standalone";
    }

    private InvalidOperationException StartFailure(string what) =>
        new($"ZooKeeper {Name} on 127.0.0.1:{Port} {what}. Log tail:\n{_log.Tail(40)}");

    private static async Task KillProcessAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        // Also waits until the redirected output is read to its end, so the log is complete.
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static string ExitCodeOf(Process process)
    {
        try
        {
            return process.ExitCode.ToString(CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }
}
