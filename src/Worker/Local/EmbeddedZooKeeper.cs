using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ZkSync.Worker.Coordination;

namespace ZkSync.Worker.Local;

/// <summary>
/// A private ZooKeeper for one local session: Debian's <c>zookeeper</c> package run by Java on a free
/// 127.0.0.1 port with a data directory inside the run's directory; stopped (and its files removed
/// with the run's directory) at the end, whatever the outcome.
/// </summary>
internal sealed class EmbeddedZooKeeper : IAsyncDisposable
{
    public const string ZooKeeperJar = "/usr/share/java/zookeeper.jar";
    private const string LoggerJar = "/usr/share/java/slf4j-simple.jar";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _process;

    private EmbeddedZooKeeper(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public string LogFile => _process.LogFile;

    /// <summary>One line saying what to install, or null when Java and ZooKeeper are there.</summary>
    public static string? MissingPrerequisite()
    {
        var java = FindJava();
        if (java is null && !File.Exists(ZooKeeperJar))
        {
            return "zkrsync local needs Java and ZooKeeper for its private ZooKeeper: apt-get install -y zookeeper (or pass --servers HOST:PORT)";
        }

        if (java is null)
        {
            return "zkrsync local needs Java to run its private ZooKeeper: apt-get install -y default-jre-headless (or pass --servers HOST:PORT)";
        }

        return File.Exists(ZooKeeperJar)
            ? null
            : $"zkrsync local needs ZooKeeper ({ZooKeeperJar}): apt-get install -y zookeeper (or pass --servers HOST:PORT)";
    }

    public static async Task<EmbeddedZooKeeper> StartAsync(string runDirectory, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateDirectory(Path.Combine(runDirectory, "zookeeper")).FullName;
        var data = Directory.CreateDirectory(Path.Combine(directory, "data")).FullName;
        var port = FreePort();
        var config = Path.Combine(directory, "zoo.cfg");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            tickTime=1000
            dataDir={data}
            clientPort={port}
            clientPortAddress=127.0.0.1
            admin.enableServer=false
            4lw.commands.whitelist=ruok
            maxClientCnxns=0
            forceSync=no
            """), cancellationToken).ConfigureAwait(false);
        var classPath = File.Exists(LoggerJar) ? $"{ZooKeeperJar}:{LoggerJar}" : ZooKeeperJar;
        var process = ChildProcess.Start(
            "zookeeper",
            FindJava()!,
            // One selector thread that also does the socket work (no worker pool hand-off per request):
            // measured ~25% less server CPU for a session's ~10 requests per path on 2 cores.
            ["-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dzookeeper.admin.enableServer=false",
             "-Dzookeeper.nio.numSelectorThreads=1", "-Dzookeeper.nio.numWorkerThreads=0",
             "-cp", classPath, "org.apache.zookeeper.server.ZooKeeperServerMain", config],
            Path.Combine(directory, "zookeeper.log"));
        var server = new EmbeddedZooKeeper(process, port);
        try
        {
            await server.WaitUntilServingAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Killed, not asked to stop: its data is thrown away with the run directory, and a JVM's orderly
        // shutdown takes about 0.3 s that every local run would wait for.
        _process.KillNow();
        await _process.Exited.ConfigureAwait(false);
        await _process.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Asks <c>ruok</c> until the server answers <c>imok</c>, the JVM exits, or the start timeout passes.
    /// No event says when a JVM starts listening, so this asks every 10 ms (a loopback connect is cheap;
    /// a growing back-off here made one start in four take 0.1 s longer than the JVM needed).
    /// </summary>
    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(10);
        while (Stopwatch.GetElapsedTime(started) < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the private ZooKeeper exited with code {_process.ExitCode}:\n{_process.Tail(15)}");
            }

            if (await RuokAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await Task.WhenAny(_process.Exited, Task.Delay(delay, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        throw new TimeoutException($"the private ZooKeeper did not start within {StartTimeout.TotalSeconds} s:\n{_process.Tail(15)}");
    }

    private async Task<bool> RuokAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, Port, cancellationToken).ConfigureAwait(false);
            await socket.SendAsync("ruok"u8.ToArray(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[4];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read) == "imok";
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindJava() => ExecutableSearch.Find("java");
}
