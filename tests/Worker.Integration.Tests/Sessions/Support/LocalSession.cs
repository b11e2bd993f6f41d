using System.Globalization;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;

namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>
/// One zkrsync session on this machine against a test ZooKeeper: a unique session name, a private work
/// directory (<c>--tmpdir</c>, <c>--json-summary</c>, <c>--done-file</c>), its own block of destination ports,
/// and every process it started. The master is started first and waited for, so it is deterministically the
/// master; sources and destinations follow. <see cref="RunAsync"/> writes every process's output and the
/// ZooKeeper log to the test output when the test fails. Disposing kills what still runs.
/// </summary>
public sealed class LocalSession : IAsyncDisposable
{
    /// <summary>How long a whole small session may take before the test fails.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long starting one worker (and, for the master, winning the lock) may take.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Func<string> _serverLog;
    private readonly ITestOutputHelper _output;
    private readonly List<ZkRsyncProcess> _processes = [];
    private int _sources;
    private int _destinations;

    public LocalSession(ZooKeeperServer server, ITestOutputHelper output)
        : this(output)
    {
        ArgumentNullException.ThrowIfNull(server);
        ConnectionString = server.ConnectionString;
        InspectionConnectionString = server.ConnectionString;
        _serverLog = () => server.Log;
    }

    /// <summary>A session whose workers reach ZooKeeper at <paramref name="workerServers"/> (an ensemble, a proxy);
    /// the test looks at the tree through <paramref name="inspectionServers"/>.</summary>
    public LocalSession(string workerServers, string inspectionServers, Func<string> serverLog, ITestOutputHelper output)
        : this(output)
    {
        ConnectionString = workerServers ?? throw new ArgumentNullException(nameof(workerServers));
        InspectionConnectionString = inspectionServers ?? throw new ArgumentNullException(nameof(inspectionServers));
        _serverLog = serverLog ?? throw new ArgumentNullException(nameof(serverLog));
    }

    private LocalSession(ITestOutputHelper output)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _serverLog = () => string.Empty;
        ConnectionString = string.Empty;
        InspectionConnectionString = string.Empty;
        Name = "e2e-" + Guid.NewGuid().ToString("N")[..12];
        WorkDirectory = Directory.CreateTempSubdirectory("zkrsync-session-").FullName;
        TmpDirectory = Path.Combine(WorkDirectory, "tmp");
        SummaryPath = Path.Combine(WorkDirectory, "summary.json");
        DoneFilePath = Path.Combine(WorkDirectory, "done.gz");
        StartPort = FreePort.Block();
    }

    /// <summary>The zkrsync session name (<c>-N</c>).</summary>
    public string Name { get; }

    /// <summary><c>/admin/rsync/&lt;session&gt;</c>.</summary>
    public string SessionPath => ZnodeLayout.Session(Name);

    /// <summary>The servers the workers are given (<c>--servers</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>The servers the test looks at the session's znodes through.</summary>
    public string InspectionConnectionString { get; }

    public string WorkDirectory { get; }

    /// <summary><c>--tmpdir</c> of every worker.</summary>
    public string TmpDirectory { get; }

    /// <summary>The master's <c>--json-summary</c>.</summary>
    public string SummaryPath { get; }

    /// <summary>The master's <c>--done-file</c>.</summary>
    public string DoneFilePath { get; }

    /// <summary>The destinations' <c>--startport</c>.</summary>
    public int StartPort { get; }

    public ZkRsyncProcess? Master { get; private set; }

    public IReadOnlyList<ZkRsyncProcess> Processes
    {
        get
        {
            lock (_processes)
            {
                return [.. _processes];
            }
        }
    }

    public IReadOnlyList<ZkRsyncProcess> Sources => [.. Processes.Where(p => p.Label.StartsWith("source", StringComparison.Ordinal))];

    public IReadOnlyList<ZkRsyncProcess> Destinations => [.. Processes.Where(p => p.Label.StartsWith("dest", StringComparison.Ordinal))];

    /// <summary>Arguments every worker of this session gets: servers, session, host 127.0.0.1, no log file, tmpdir.</summary>
    public IReadOnlyList<string> CommonArguments =>
        ["--servers", ConnectionString, "-N", Name, "--host", "127.0.0.1", "--logfile=", "--tmpdir", TmpDirectory];

    /// <summary>The whoami a worker of this session registers with (<c>--host 127.0.0.1</c>).</summary>
    public static string WhoAmI(ZkRsyncProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return ZnodeLayout.WhoAmI("127.0.0.1", process.ProcessId);
    }

    /// <summary>Starts zkrsync with <see cref="CommonArguments"/> followed by <paramref name="arguments"/>.</summary>
    public ZkRsyncProcess Start(string label, IEnumerable<string> arguments)
    {
        var process = ZkRsyncProcess.Start(label, [.. CommonArguments, .. arguments]);
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    /// <summary>Starts the first source and waits until it has won the lock and started the session
    /// (<c>watch/ready</c> exists); it also writes <see cref="SummaryPath"/> and <see cref="DoneFilePath"/>.</summary>
    public async Task<ZkRsyncProcess> StartMasterAsync(string sourcePath, int depth, IEnumerable<string>? extra = null)
    {
        if (Master is not null)
        {
            throw new InvalidOperationException("the master is already started");
        }

        var master = Start("master", MasterArguments(sourcePath, depth, extra));
        Master = master;
        await master.WaitForLineAsync("won the session lock: master", StartTimeout).ConfigureAwait(false);
        await master.WaitForLineAsync("Master of session", StartTimeout).ConfigureAwait(false);
        return master;
    }

    /// <summary>The master's arguments: <see cref="SourceArguments"/> and where it writes <see cref="SummaryPath"/> and
    /// <see cref="DoneFilePath"/>. Any source that may become the master (failover) gets the same.</summary>
    public IReadOnlyList<string> MasterArguments(string sourcePath, int depth, IEnumerable<string>? extra = null) =>
        [.. SourceArguments(sourcePath, depth, extra), "--json-summary", SummaryPath, "--done-file", DoneFilePath];

    /// <summary>Starts a transferring source (start the master first, so this one loses the lock).</summary>
    public ZkRsyncProcess StartSource(string sourcePath, int depth, IEnumerable<string>? extra = null) =>
        Start(string.Create(CultureInfo.InvariantCulture, $"source-{Interlocked.Increment(ref _sources)}"), SourceArguments(sourcePath, depth, extra));

    /// <summary>Starts a destination with this session's <see cref="StartPort"/>.</summary>
    public ZkRsyncProcess StartDestination(string destinationPath, IEnumerable<string>? extra = null) =>
        Start(
            string.Create(CultureInfo.InvariantCulture, $"dest-{Interlocked.Increment(ref _destinations)}"),
            ["-D", "-r", destinationPath, "--startport", StartPort.ToString(CultureInfo.InvariantCulture), .. extra ?? []]);

    /// <summary>Starts a destination and waits until it has offered its slots in destQueue.</summary>
    public async Task<ZkRsyncProcess> StartDestinationAsync(string destinationPath, IEnumerable<string>? extra = null)
    {
        var destination = StartDestination(destinationPath, extra);
        await destination.WaitForLineAsync("Added destination", StartTimeout).ConfigureAwait(false);
        return destination;
    }

    /// <summary>The usual session: the master, then <paramref name="destinations"/> destinations and <paramref name="sources"/>
    /// transferring sources, all with <paramref name="extra"/> (sources and master) and <paramref name="destinationExtra"/>.</summary>
    public async Task StartAllAsync(
        string sourcePath,
        string destinationPath,
        int sources,
        int destinations,
        int depth,
        IEnumerable<string>? extra = null,
        IEnumerable<string>? destinationExtra = null)
    {
        var sourceExtra = extra?.ToList() ?? [];
        await StartMasterAsync(sourcePath, depth, sourceExtra).ConfigureAwait(false);
        for (var i = 0; i < destinations; i++)
        {
            StartDestination(destinationPath, destinationExtra);
        }

        for (var i = 0; i < sources; i++)
        {
            StartSource(sourcePath, depth, sourceExtra);
        }
    }

    /// <summary><c>-S -r PATH --depth N</c> plus <paramref name="extra"/>.</summary>
    public static IReadOnlyList<string> SourceArguments(string sourcePath, int depth, IEnumerable<string>? extra) =>
        ["-S", "-r", sourcePath, "--depth", depth.ToString(CultureInfo.InvariantCulture), .. extra ?? []];

    /// <summary>Waits until every started process has exited; returns label → exit code.</summary>
    /// <exception cref="TimeoutException">Some still run after <paramref name="timeout"/> (they are named).</exception>
    public async Task<IReadOnlyDictionary<string, int>> WaitForAllAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var processes = Processes;
        try
        {
            await Task.WhenAll(processes.Select(p => p.Exited)).WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var running = string.Join(", ", processes.Where(p => !p.HasExited));
            throw new TimeoutException($"session {Name}: still running after {limit}: {running}");
        }

        return processes.ToDictionary(p => p.Label, p => p.ExitCode, StringComparer.Ordinal);
    }

    /// <summary>Waits for every process and asserts each exited with <paramref name="expected"/> (except those in <paramref name="except"/>).</summary>
    public async Task AssertAllExitAsync(int expected, TimeSpan? timeout = null, params ZkRsyncProcess[] except)
    {
        var codes = await WaitForAllAsync(timeout).ConfigureAwait(false);
        var wrong = codes.Where(c => c.Value != expected && except.All(e => e.Label != c.Key)).ToList();
        Assert.True(wrong.Count == 0, $"expected exit code {expected} from every worker, got: {string.Join(", ", wrong.Select(w => $"{w.Key}={w.Value}"))}");
    }

    /// <summary>Every znode of this session (<see cref="SessionPath"/> and below).</summary>
    public Task<IReadOnlyList<Znode>> ListZnodesAsync() =>
        ZooKeeperInspector.ListAsync(InspectionConnectionString, SessionPath, CancellationToken.None);

    /// <summary>Waits until <paramref name="process"/> is no longer a member of party <c>allsd</c>: its ZooKeeper session is gone.</summary>
    public Task WaitUntilSessionGoneAsync(ZkRsyncProcess process, TimeSpan timeout) =>
        ZooKeeperInspector.WaitUntilMemberGoneAsync(InspectionConnectionString, ZnodeLayout.Party(Name, ZnodeLayout.PartyAll), WhoAmI(process), timeout, CancellationToken.None);

    /// <summary>Runs the test body; when it throws, writes every process's arguments, exit code and output and the
    /// ZooKeeper log to the test output, then rethrows. With <c>ZKSYNC_TEST_LOGS=always</c> in the environment the
    /// logs are written for passing tests too (xunit keeps them in the .trx).</summary>
    public async Task RunAsync(Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            await body().ConfigureAwait(false);
            if (Environment.GetEnvironmentVariable("ZKSYNC_TEST_LOGS") == "always")
            {
                WriteLogs();
            }
        }
        catch
        {
            WriteLogs();
            throw;
        }
    }

    /// <summary>Writes every process's output (and the ZooKeeper server log) to the test output.</summary>
    public void WriteLogs()
    {
        foreach (var process in Processes)
        {
            var state = process.HasExited ? $"exit {process.ExitCode}" : "still running";
            _output.WriteLine($"===== {process} [{state}] started {process.StartedAt:HH:mm:ss.fff}: zkrsync {string.Join(' ', process.Arguments)}");
            _output.WriteLine(process.Output);
        }

        _output.WriteLine($"===== ZooKeeper {ConnectionString} log (tail)");
        var log = _serverLog().Split('\n');
        _output.WriteLine(string.Join('\n', log.Skip(Math.Max(0, log.Length - 200))));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Processes)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
