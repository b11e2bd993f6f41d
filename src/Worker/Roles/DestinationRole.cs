using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Cli;
using ZkSync.Worker.Coordination;
using ZkSync.Worker.Rsync;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Roles;

/// <summary>
/// A destination (<c>-D</c>): reserves a port under <c>S/portlock</c>, runs an rsync daemon with the
/// session's module bound where asked, marks itself active as soon as the daemon accepts connections,
/// offers <c>--slots</c> entries <c>&lt;port&gt;:&lt;whoami&gt;</c> in <c>destQueue</c>, pauses while its base path
/// is missing (with <c>--verifypath</c>), and stops its daemon at once when the master says stop.
/// </summary>
internal sealed partial class DestinationRole(WorkerSession session, string advertisedHost, RsyncCapabilities capabilities)
{
    private const int Attempts = 3;
    private static readonly TimeSpan ListenTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan VerifyInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ListenProbeMaxDelay = TimeSpan.FromMilliseconds(10);

    private readonly ILogger _logger = session.LoggerFactory.CreateLogger<DestinationRole>();
    private readonly ZkRsyncOptions _options = session.Options;
    private readonly DestinationStates _states = new(session);
    private readonly DestinationFaults _faults = new(session);
    private volatile bool _paused;

    /// <summary>Set once the daemon's log showed that this destination cannot take more: it stays paused.</summary>
    private volatile DestinationFault? _fault;

    /// <summary>Guards <see cref="_tempDirectoryRemoved"/>: a directory made again must not outlive the final removal.</summary>
    private readonly Lock _tempDirectoryLock = new();

    /// <summary>Set when this destination removes its temporary directory on stopping: nothing makes it again after that.</summary>
    private bool _tempDirectoryRemoved;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await session.JoinPartiesAsync([ZnodeLayout.PartyAll, ZnodeLayout.PartyDestinations], cancellationToken).ConfigureAwait(false);
        await using var ready = new ReadySignal(session, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Lost);
        _ = ready.Stopped.ContinueWith(_ => stop.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        PrivateFile.EnsureDirectory(_options.TmpDir);
        if (!Environment.IsPrivilegedProcess)
        {
            LogNotRoot(_logger);
        }

        // A dry run writes nothing, so it needs no temporary files (and must not touch the destination).
        var tempDirectory = _options.DryRun || _options.Netcat ? null : DaemonTempDirectory.NameOf(session.WhoAmI);
        var stopCause = StopCause.Fault;
        try
        {
            if (tempDirectory is not null)
            {
                var live = await LiveTempDirectoriesAsync(cancellationToken).ConfigureAwait(false);
                LogTempDirectories(_logger, tempDirectory, DaemonTempDirectory.Prepare(_options.RsyncPath!, tempDirectory, live));
            }

            for (var attempt = 1; attempt <= Attempts && !stop.IsCancellationRequested; attempt++)
            {
                var port = await ReservePortAsync(stop.Token).ConfigureAwait(false);
                if (await ServeAsync(port, tempDirectory, stop.Token).ConfigureAwait(false) is ServeOutcome.Stopped)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped while reserving a port: by the master, a signal, a lost session, or a failed watch (told apart below).
        }
        finally
        {
            // Told apart before the removal, while this destination is still a member (so the master cannot have resumed
            // the session since it said stop): only a session that ended leaves every directory stale.
            var cleaning = session.Time.GetTimestamp();
            stopCause = await WorkerStop.CauseAsync(session, ready.Stopped, cancellationToken.IsCancellationRequested, StopCause.Fault).ConfigureAwait(false);
            if (tempDirectory is not null)
            {
                await RemoveTempDirectoryAsync(tempDirectory, sessionEnded: ready.Stopped.IsCompletedSuccessfully && stopCause == StopCause.Finished).ConfigureAwait(false);
            }

            LogCleanedUp(_logger, session.Time.GetElapsedTime(cleaning).TotalMilliseconds);
        }

        var outcome = new RoleOutcome(session.Lost.IsCancellationRequested, stopCause);
        if (outcome.SessionLost)
        {
            LogSessionLost(_logger);
        }
        else if (outcome.Stop == StopCause.Fault)
        {
            if (ready.Stopped.Exception is { } fault)
            {
                LogReadyFailed(_logger, fault.GetBaseException().Message);
            }
            else
            {
                LogGaveUp(_logger, Attempts);
            }
        }
        else
        {
            LogDone(_logger, session.WhoAmI);
        }

        return outcome.ExitCode;
    }

    private enum ServeOutcome
    {
        Stopped,
        DaemonFailed,
    }

    /// <summary>The original's <c>reserve_port</c>: under <c>S/portlock</c>, the first port from
    /// <c>--startport</c> without a <c>usedports/&lt;host&gt;/&lt;port&gt;</c> node (or exactly <c>--rsyncport</c>).
    /// The lock is held for one listing and one transaction (the port's nodes and the release): destinations take it one
    /// after another, so what is done under it adds up over a session's start.</summary>
    private async Task<int> ReservePortAsync(CancellationToken cancellationToken)
    {
        var usedPorts = ZnodeLayout.UsedPorts(session.Name, advertisedHost);
        await session.EnsurePathAsync(usedPorts, cancellationToken).ConfigureAwait(false);
        await session.EnsurePathAsync(ZnodeLayout.PortMap(session.Name), cancellationToken).ConfigureAwait(false);
        var portLock = session.NewLock(ZnodeLayout.PortLock(session.Name), session.WhoAmI);
        await portLock.AcquireAsync(null, cancellationToken).ConfigureAwait(false);
        try
        {
            var used = (await session.ChildrenAsync(usedPorts, cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            var port = _options.RsyncPort ?? _options.StartPort;
            var bind = HostIdentity.BindAddress(_options, advertisedHost);
            while (used.Contains(port.ToString(CultureInfo.InvariantCulture)) || (_options.RsyncPort is null && !PortProbe.CanBind(bind, port)))
            {
                if (_options.RsyncPort is not null)
                {
                    throw new InvalidOperationException($"port already in use in this session: {port}");
                }

                // Held by another program on this host: its listener would answer the readiness probe in the
                // daemon's place, and sources would push to it.
                port++;
            }

            var portMap = ZnodeLayout.PortMapEntry(session.Name, session.WhoAmI);
            var portText = Encoding.ASCII.GetBytes(port.ToString(CultureInfo.InvariantCulture));
            var usedPort = Op.Create(ZnodeLayout.UsedPort(session.Name, advertisedHost, port), ReadOnlyMemory<byte>.Empty, session.Acl, CreateMode.Ephemeral);
            try
            {
                await portLock.ReleaseWithAsync([usedPort, Op.Create(portMap, portText, session.Acl, CreateMode.Ephemeral)], cancellationToken).ConfigureAwait(false);
            }
            catch (NodeExistsException exception) when (exception.FailedOperationIndex == 1)
            {
                // Our port map from an earlier attempt (its daemon failed): points to the new port now.
                await portLock.ReleaseWithAsync([usedPort, Op.SetData(portMap, portText)], cancellationToken).ConfigureAwait(false);
            }

            LogPortReserved(_logger, port);
            return port;
        }
        finally
        {
            // A no-op when the lock went with the port's nodes; released here after an error on the way.
            await portLock.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Which temporary directories belong to destinations that still run (of this host: by pid; else: in the session).
    /// Listed before the members are read (<see cref="DaemonTempDirectory.List"/>): members read first would miss a destination
    /// that started meanwhile, and its new directory would go from under its daemon.</summary>
    private async Task<Func<string, bool>> LiveTempDirectoriesAsync(CancellationToken cancellationToken)
    {
        var listed = DaemonTempDirectory.List(_options.RsyncPath!);
        var members = await session.NewParty(ZnodeLayout.PartyAll).GetMembersAsync(cancellationToken).ConfigureAwait(false);
        return name => !listed.Contains(name) || DaemonTempDirectory.IsLive(name, advertisedHost, members);
    }

    /// <summary>After the daemon is gone: its temporary directory (and those of destinations that are gone, or every one once
    /// the session ended: <see cref="DaemonTempDirectory"/>) removed.</summary>
    private async Task RemoveTempDirectoryAsync(string name, bool sessionEnded)
    {
        lock (_tempDirectoryLock)
        {
            _tempDirectoryRemoved = true;
        }

        try
        {
            // A lost session cannot ask who else runs: then only this host's dead destinations' directories go. Once the
            // session ended every directory goes, whoever is alive.
            var live = sessionEnded ? (_ => false)
                : session.Lost.IsCancellationRequested ? (n => DaemonTempDirectory.IsLive(n, advertisedHost, null))
                : await LiveTempDirectoriesAsync(session.Lost).ConfigureAwait(false);
            DaemonTempDirectory.Remove(_options.RsyncPath!, name, live, sessionEnded);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ZooKeeperException or OperationCanceledException)
        {
            LogTempCleanupFailed(_logger, exception.Message);
        }
    }

    private async Task<ServeOutcome> ServeAsync(int port, string? tempDirectory, CancellationToken stop)
    {
        var bind = HostIdentity.BindAddress(_options, advertisedHost);
        var files = new List<string>();
        try
        {
            string? secretsFile = null;
            if (_options.RsyncSecretFile is not null)
            {
                var secret = RsyncCommandBuilder.ReadSecret(await File.ReadAllTextAsync(_options.RsyncSecretFile, stop).ConfigureAwait(false));
                secretsFile = PrivateFile.Write(_options.TmpDir, "secrets", RsyncCommandBuilder.SecretsFileContent(secret));
                files.Add(secretsFile);
            }

            // The daemon logs to its stderr, which is read line by line below: its receivers' errors tell when the
            // destination is full or read-only.
            var config = PrivateFile.Write(
                _options.TmpDir,
                "rsyncd",
                RsyncCommandBuilder.DaemonConfig(
                    session.Name, _options.RsyncPath!, bind, secretsFile, logFile: "/dev/stderr", tempDir: tempDirectory, asRoot: Environment.IsPrivilegedProcess));
            files.Add(config);

            var invocation = _options.Netcat
                ? RsyncCommandBuilder.NetcatDestination(bind, port)
                : RsyncCommandBuilder.Daemon(config, port, bind, _options.DropCache, capabilities);
            LogStarting(_logger, invocation.ToString());
            using var daemon = new Process { StartInfo = invocation.ToStartInfo() };
            daemon.StartInfo.RedirectStandardInput = true;
            daemon.Start();
            var output = FollowOutputAsync(daemon, tempDirectory, stop);
            try
            {
                var exited = daemon.WaitForExitAsync(CancellationToken.None);
                if (!await WaitUntilListeningAsync(bind, port, exited, session.Time, stop).ConfigureAwait(false))
                {
                    if (stop.IsCancellationRequested)
                    {
                        return ServeOutcome.Stopped;
                    }

                    LogDaemonFailed(_logger, daemon.HasExited ? daemon.ExitCode : -1, await output.ConfigureAwait(false));
                    return ServeOutcome.DaemonFailed;
                }

                await RegisterAsync(port, stop).ConfigureAwait(false);
                await using var verifier = _options.VerifyPath
                    ? new PeriodicCheck(session.Time, VerifyInterval, () => VerifyBasePathAsync(port, stop))
                    : null;
                try
                {
                    await exited.WaitAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return ServeOutcome.Stopped;
                }

                LogDaemonFailed(_logger, daemon.ExitCode, await output.ConfigureAwait(false));
                return ServeOutcome.DaemonFailed;
            }
            finally
            {
                // SIGTERM first: receivers still at work remove their temporary files.
                var stopping = session.Time.GetTimestamp();
                await ProcessTree.TerminateAsync(daemon).ConfigureAwait(false);
                await daemon.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                LogDaemonStopped(_logger, session.Time.GetElapsedTime(stopping).TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ServeOutcome.Stopped;
        }
        finally
        {
            foreach (var file in files)
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Marks this destination active, then offers its slots (active first, so a source that takes an entry finds it usable).</summary>
    private async Task RegisterAsync(int port, CancellationToken cancellationToken)
    {
        if (_fault is not null)
        {
            // A restarted daemon of a destination that is full or read-only: it stays paused.
            return;
        }

        _paused = false;
        await _states.ActivateAsync(session.WhoAmI, cancellationToken).ConfigureAwait(false);
        await OfferSlotsAsync(port, cancellationToken).ConfigureAwait(false);
    }

    private async Task OfferSlotsAsync(int port, CancellationToken cancellationToken)
    {
        var destQueue = session.NewQueue(ZnodeLayout.DestQueue(session.Name));
        var entry = Encoding.UTF8.GetBytes(ZnodeLayout.DestQueueEntry(port, session.WhoAmI));
        await destQueue.PutManyAsync([.. Enumerable.Repeat(entry, _options.Slots)], KazooNames.DefaultPriority, cancellationToken).ConfigureAwait(false);
        LogRegistered(_logger, session.WhoAmI, port, _options.Slots);
    }

    /// <summary>The original's check every ten loops: pause while the base path is missing, activate (and
    /// re-queue if a source disabled us meanwhile) when it is back.</summary>
    private async Task VerifyBasePathAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            if (_fault is not null)
            {
                return;
            }

            if (Directory.Exists(_options.RsyncPath))
            {
                if (_paused)
                {
                    _paused = false;
                    if (await _states.ActivateAsync(session.WhoAmI, cancellationToken).ConfigureAwait(false))
                    {
                        await OfferSlotsAsync(port, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            else if (!_paused)
            {
                LogBasePathMissing(_logger, _options.RsyncPath!);
                _paused = true;
                await _states.PauseAsync(session.WhoAmI, own: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is ZooKeeperException or OperationCanceledException or ObjectDisposedException)
        {
            LogVerifyFailed(_logger, exception.Message);
        }
    }

    /// <summary>
    /// Waits until the daemon accepts TCP connections (so it registers the moment it can serve, not after
    /// a fixed sleep), until it exits, or until stopped. No event tells when a child starts listening, so
    /// this connects with a short back-off, bounded by <see cref="ListenTimeout"/>. The back-off stops growing at
    /// <see cref="ListenProbeMaxDelay"/>: doubling on (probes at 0, 5, 15, 35, 75 ms...) found a daemon that listened
    /// after 40 ms (a busy machine) only at 75 ms, and a refused connection costs next to nothing.
    /// </summary>
    private static async Task<bool> WaitUntilListeningAsync(string bind, int port, Task exited, TimeProvider time, CancellationToken stop)
    {
        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(5);
        var probeHost = bind is "0.0.0.0" ? "127.0.0.1" : bind is "::" ? "::1" : bind;
        while (!exited.IsCompleted && !stop.IsCancellationRequested && time.GetElapsedTime(started) < ListenTimeout)
        {
            using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(probeHost, port, stop).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
                await Task.WhenAny(exited, Task.Delay(delay, time, stop)).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, ListenProbeMaxDelay.TotalMilliseconds));
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads the daemon's output (its log) line by line until it exits, keeping the last lines for a failure message.
    /// The first receiver error that says the destination is full, over quota or read-only pauses this destination
    /// (original sources respect that too) and records why for the master.
    /// </summary>
    private async Task<string> FollowOutputAsync(Process process, string? tempDirectory, CancellationToken stop)
    {
        const int Kept = 20;
        var tail = new Queue<string>();
        var reports = new List<Task>();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        while (await process.StandardError.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            LogDaemonLine(_logger, line);
            tail.Enqueue(line);
            if (tail.Count > Kept)
            {
                tail.Dequeue();
            }

            if (tempDirectory is not null && line.Contains(DaemonTempDirectory.MissingMessage, StringComparison.Ordinal))
            {
                RecreateTempDirectory(tempDirectory);
            }

            if (_fault is null && !_options.DryRun && DestinationErrors.Classify(line) is { } error)
            {
                var fault = new DestinationFault(
                    session.WhoAmI, _options.RsyncPath!, error.Reason, error.Line, FileSystemSpace.Of(_options.RsyncPath!)?.FreeBytes);
                _fault = fault;
                reports.Add(ReportFaultAsync(fault, stop));
            }
        }

        await Task.WhenAll(reports).ConfigureAwait(false);
        return (await output.ConfigureAwait(false)) + string.Join('\n', tail);
    }

    /// <summary>The daemon refused a transfer because its temporary directory is gone (removed under it by something else
    /// sharing the base): made again, so the path's next attempt, and every later transfer, succeeds.</summary>
    private void RecreateTempDirectory(string name)
    {
        try
        {
            lock (_tempDirectoryLock)
            {
                if (!_tempDirectoryRemoved && DaemonTempDirectory.Recreate(_options.RsyncPath!, name))
                {
                    LogTempDirectoryRecreated(_logger, name);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogTempRecreateFailed(_logger, name, exception.Message);
        }
    }

    private async Task ReportFaultAsync(DestinationFault fault, CancellationToken stop)
    {
        try
        {
            await _faults.ReportAsync(fault, own: true, stop).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ZooKeeperException or OperationCanceledException or ObjectDisposedException)
        {
            LogFaultReportFailed(_logger, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "rsync's temporary files go to .zkrsync-tmp/{Name}; removed those of destinations that are gone: {Removed}")]
    private static partial void LogTempDirectories(ILogger logger, string name, IReadOnlyList<string> removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rsync's temporary directory .zkrsync-tmp/{Name} was removed under the daemon: made it again (the transfer that found it missing is retried)")]
    private static partial void LogTempDirectoryRecreated(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not make rsync's temporary directory .zkrsync-tmp/{Name} again, transfers to this destination fail: {Reason}")]
    private static partial void LogTempRecreateFailed(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove rsync's temporary directory: {Reason}")]
    private static partial void LogTempCleanupFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not root: the rsync daemon runs without a user switch and without a chroot: owners are not kept, and symlinks that point outside the destination (absolute ones included) are made relative to it")]
    private static partial void LogNotRoot(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report that this destination takes no more transfers: {Reason}")]
    private static partial void LogFaultReportFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "rsync daemon: {Line}")]
    private static partial void LogDaemonLine(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reserved port {Port}")]
    private static partial void LogPortReserved(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting {Command}")]
    private static partial void LogStarting(ILogger logger, string command);

    [LoggerMessage(Level = LogLevel.Information, Message = "Added destination {WhoAmI} to queue with port {Port} ({Slots} slots)")]
    private static partial void LogRegistered(ILogger logger, string whoAmI, int port, int slots);

    [LoggerMessage(Level = LogLevel.Error, Message = "rsync daemon ended with exit code {ExitCode}: {Output}")]
    private static partial void LogDaemonFailed(ILogger logger, int exitCode, string output);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Base path {Path} not available: pausing")]
    private static partial void LogBasePathMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the base path failed: {Reason}")]
    private static partial void LogVerifyFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Lost the ZooKeeper session: daemon stopped")]
    private static partial void LogSessionLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Could not follow watch/ready: {Reason}")]
    private static partial void LogReadyFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "rsync daemon stopped in {Milliseconds:0} ms")]
    private static partial void LogDaemonStopped(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stop cause and temporary directories settled in {Milliseconds:0} ms")]
    private static partial void LogCleanedUp(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{WhoAmI} Ready")]
    private static partial void LogDone(ILogger logger, string whoAmI);

    [LoggerMessage(Level = LogLevel.Error, Message = "The rsync daemon failed {Attempts} times: giving up")]
    private static partial void LogGaveUp(ILogger logger, int attempts);
}
