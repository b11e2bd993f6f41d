using System.Globalization;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Coordination;

namespace ZkSync.Worker.Local;

/// <summary>
/// <c>zkrsync local SRC DST</c>: one machine, one command. Starts a private ZooKeeper (unless
/// <c>--servers</c>), then the master, N sources and M destinations as separate <c>zkrsync</c> processes
/// (the same code paths as a many-node session; destinations on 127.0.0.1 with rsyncd auth), shows
/// progress, prints the summary and returns the master's exit code. A worker that crashes is started again
/// with the same command line (a few times, with back-off, as a Job restarts its pod): the session rides
/// through it (a restarted master resumes the session). Everything it starts is stopped and its run
/// directory removed at the end, also after Ctrl-C, SIGTERM or a failure.
/// </summary>
internal sealed partial class LocalRun(LocalOptions options, ILoggerFactory loggerFactory, TextWriter output, CancellationToken kill = default, TimeProvider? timeProvider = null)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<LocalRun>();
    private readonly List<WorkerSlot> _workers = [];
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public async Task<int> RunAsync(CancellationToken interrupt)
    {
        string source;
        string destination;
        try
        {
            (source, destination) = Preflight.CheckPaths(options.Source, options.Destination);
            if (!options.Force)
            {
                Preflight.CheckRoom(source, destination);
            }

            if (options.Servers is null && EmbeddedZooKeeper.MissingPrerequisite() is { } missing)
            {
                throw new PreflightException(missing);
            }

            // Only now that nothing stands in the way.
            Preflight.CreateDestination(destination, options.Destination);
        }
        catch (PreflightException exception)
        {
            await Console.Error.WriteLineAsync($"zkrsync local: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        PrivateFile.EnsureDirectory(options.TmpDir);
        var runDirectory = Path.Combine(Path.GetFullPath(options.TmpDir), "zkrsync-local-" + Convert.ToHexStringLower(KernelRandom.GetBytes(6)));
        Directory.CreateDirectory(runDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var started = _time.GetTimestamp();
        try
        {
            return await RunInDirectoryAsync(runDirectory, source, destination, started, interrupt).ConfigureAwait(false);
        }
        finally
        {
            foreach (var process in _workers.SelectMany(worker => worker.Started))
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }

            Directory.Delete(runDirectory, recursive: true);
        }
    }

    private async Task<int> RunInDirectoryAsync(string runDirectory, string source, string destination, long started, CancellationToken interrupt)
    {
        EmbeddedZooKeeper? zooKeeper = null;
        try
        {
            string servers;
            var password = options.Passwd;
            if (options.Servers is { } given)
            {
                servers = given;
            }
            else
            {
                var zkStart = _time.GetTimestamp();
                zooKeeper = await EmbeddedZooKeeper.StartAsync(runDirectory, interrupt).ConfigureAwait(false);
                servers = zooKeeper.ConnectionString;

                // A private ensemble gets a private password: nobody else should touch its tree.
                password = Convert.ToHexString(KernelRandom.GetBytes(16));
                LogZooKeeperStarted(_logger, servers, _time.GetElapsedTime(zkStart).TotalSeconds);
            }

            var secretFile = PrivateFile.Write(runDirectory, "rsync-secret", Convert.ToHexString(KernelRandom.GetBytes(24)) + "\n");
            var progressFile = Path.Combine(runDirectory, "progress.json");
            var summaryFile = Path.Combine(runDirectory, "summary.json");
            var workerTmp = Path.Combine(runDirectory, "tmp");
            var logs = Directory.CreateDirectory(Path.Combine(runDirectory, "logs")).FullName;
            var common = new List<string>
            {
                "--servers", servers, "--session", options.Session, "--host", "127.0.0.1", "--user", options.User,
                "--depth", options.Depth.ToString(CultureInfo.InvariantCulture), "--tmpdir", workerTmp,
                "--rsync-secret-file", secretFile, "--connect-timeout", "30",

                // Each worker's output already goes to logs/ in the run directory, removed at the end.
                "--logfile", string.Empty,
            };
            if (options.LogLevel == LogLevel.Debug)
            {
                common.Add("--debug");
            }

            var environment = new Dictionary<string, string> { ["ZKRSYNC_PASSWD"] = password };
            var (program, prefix) = SelfCommand.Get();
            var startPort = LocalPorts.FreeBlock(options.Destinations);
            WorkerSlot Destination(int i) => new(
                $"destination {i + 1}", program,
                [.. prefix, .. common, "--destination", "--rsyncpath", destination, "--startport", startPort.ToString(CultureInfo.InvariantCulture)],
                Path.Combine(logs, $"destination-{i + 1}.log"), environment);
            WorkerSlot Source(int i) => new(
                $"source {i + 1}", program,
                [.. prefix, .. common, .. options.WorkerArguments, "--source", "--rsyncpath", source,
                 "--progress-file", progressFile, "--progress-interval", "1", "--json-summary", summaryFile],
                Path.Combine(logs, $"source-{i + 1}.log"), environment);

            // One more source than asked: whichever wins the lock is the master, the rest transfer. Started one by one on
            // few cores, each taking tens of milliseconds of CPU: the first source first (the likely master: its walk fills
            // the queue while the others start), then destinations and sources in turn, so the first pair that can transfer
            // is up early.
            _workers.Add(Source(0));
            for (var i = 0; i < Math.Max(options.Destinations, options.Sources); i++)
            {
                if (i < options.Destinations)
                {
                    _workers.Add(Destination(i));
                }

                if (i < options.Sources)
                {
                    _workers.Add(Source(i + 1));
                }
            }

            LogStarted(_logger, options.Sources, options.Destinations, source, destination);
            if (!Environment.IsPrivilegedProcess)
            {
                await Console.Error.WriteLineAsync(
                    "zkrsync local: note: not run as root: owners are not kept, and symlinks that point outside the copy (absolute ones included) are made relative to it (rsync's daemon cannot chroot)").ConfigureAwait(false);
            }
            var outcome = await FollowAsync(progressFile, summaryFile, interrupt).ConfigureAwait(false);
            return await ReportAsync(outcome, summaryFile, started).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("zkrsync local: interrupted before the session started").ConfigureAwait(false);
            return ExitCodes.Crash;
        }
        finally
        {
            if (zooKeeper is not null)
            {
                await zooKeeper.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private enum Outcome
    {
        Finished,
        Interrupted,
        WorkerCrashed,
    }

    /// <summary>
    /// Shows progress until every worker has exited. A worker that crashes before the master wrote its summary
    /// is started again after a back-off (a restarted master resumes the session), at most
    /// <see cref="WorkerSlot.MaxRestarts"/> times; after that the session cannot be trusted to end, and every
    /// worker is stopped. A Ctrl-C or SIGTERM asks them all to stop (the master then ends the session, the rest of
    /// the queue reported unfinished); a second one kills them.
    /// </summary>
    private async Task<Outcome> FollowAsync(string progressFile, string summaryFile, CancellationToken interrupt)
    {
        var display = new ProgressDisplay(output, !Console.IsOutputRedirected, _time);
        var interrupted = false;
        var crashed = false;
        var ended = false;
        var restartsDue = new Dictionary<WorkerSlot, long>();
        var interruptSignal = Task.Delay(Timeout.Infinite, interrupt);
        var killSignal = Task.Delay(Timeout.Infinite, kill);
        while (restartsDue.Count > 0 || _workers.Any(w => !w.Current.HasExited))
        {
            // Wake on the next exit (of a worker still running: an exited one's task stays completed), a signal,
            // the display's tick, or a restart that falls due.
            var tick = restartsDue.Count == 0 ? display.Interval : TimeSpan.FromMilliseconds(100);
            await Task.WhenAny([.. _workers.Where(w => !w.Current.HasExited).Select(w => w.Current.Exited), interruptSignal, killSignal, Task.Delay(tick, _time)])
                .ConfigureAwait(false);
            if (kill.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("zkrsync local: killing every worker").ConfigureAwait(false);
                foreach (var worker in _workers)
                {
                    worker.Current.KillNow();
                }

                await Task.WhenAll(_workers.Select(w => w.Current.Exited)).ConfigureAwait(false);
                display.Finish();
                return Outcome.Interrupted;
            }

            if (interrupt.IsCancellationRequested && !interrupted)
            {
                // The cancelled delay stays completed: without a new, pending one, WhenAny would return at
                // once on every turn and this loop would spin (and print progress) until the workers exit.
                interrupted = true;
                interruptSignal = Task.Delay(Timeout.Infinite, CancellationToken.None);
                restartsDue.Clear();
                display.Finish();
                await Console.Error.WriteLineAsync("zkrsync local: stopping (the master reports what is unfinished); interrupt again to kill").ConfigureAwait(false);
                foreach (var worker in _workers)
                {
                    worker.Current.Terminate();
                }
            }

            if (!crashed && !interrupted && !File.Exists(summaryFile))
            {
                foreach (var worker in _workers.Where(w => w.Current.HasExited && WorkerSlot.IsCrash(w.Current.ExitCode) && !restartsDue.ContainsKey(w)))
                {
                    display.Finish();
                    if (worker.CanRestart)
                    {
                        // As a Job restarts a crashed pod: the same command line, after a back-off.
                        var backOff = worker.NextBackOff;
                        restartsDue[worker] = _time.GetTimestamp() + (long)(backOff.TotalSeconds * _time.TimestampFrequency);
                        await Console.Error.WriteLineAsync(
                            $"zkrsync local: {worker.Name} exited with code {worker.Current.ExitCode}; restarting it in {backOff.TotalSeconds:0} s " +
                            $"(restart {worker.Restarts + 1} of {WorkerSlot.MaxRestarts}):\n{worker.Current.Tail(5)}").ConfigureAwait(false);
                        continue;
                    }

                    // Crashed again and again before the master finished: the session cannot be trusted to end.
                    crashed = true;
                    restartsDue.Clear();
                    await Console.Error.WriteLineAsync(
                        $"zkrsync local: {worker.Name} exited with code {worker.Current.ExitCode} after {worker.Restarts} restarts; stopping the session:\n{worker.Current.Tail(20)}").ConfigureAwait(false);
                    foreach (var other in _workers)
                    {
                        other.Current.Terminate();
                    }

                    break;
                }
            }

            if (!ended && File.Exists(summaryFile))
            {
                // The master wrote its summary after every worker of the session had left it: one still running
                // joined too late (a restart after the end) and would wait for a next session. Stop it.
                ended = true;
                restartsDue.Clear();
                foreach (var worker in _workers.Where(w => !w.Current.HasExited))
                {
                    worker.Current.Terminate();
                }
            }

            foreach (var (worker, due) in restartsDue.Where(pair => _time.GetTimestamp() >= pair.Value).ToList())
            {
                restartsDue.Remove(worker);
                if (!crashed && !interrupted && !File.Exists(summaryFile))
                {
                    worker.Start();
                    LogRestarted(_logger, worker.Name, worker.Restarts);
                }
            }

            if (ProgressFile.Read(progressFile) is { } report)
            {
                display.Show(report, Restarts);
            }
        }

        display.Finish();
        return crashed ? Outcome.WorkerCrashed : interrupted ? Outcome.Interrupted : Outcome.Finished;
    }

    /// <summary>Restarts of crashed workers so far.</summary>
    private int Restarts => _workers.Sum(w => w.Restarts);

    private async Task<int> ReportAsync(Outcome outcome, string summaryFile, long started)
    {
        if (!File.Exists(summaryFile))
        {
            var failures = _workers.Where(w => w.Current.ExitCode != ExitCodes.Success).ToList();
            foreach (var worker in failures.Take(3))
            {
                await Console.Error.WriteLineAsync($"zkrsync local: {worker.Name} exited with code {worker.Current.ExitCode}:\n{worker.Current.Tail(20)}").ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("zkrsync local: the session did not finish (no summary from the master)").ConfigureAwait(false);
            return ExitCodes.Crash;
        }

        if (SessionSummaryDocument.FromJson(await File.ReadAllBytesAsync(summaryFile).ConfigureAwait(false)) is not { } summary)
        {
            await Console.Error.WriteLineAsync($"zkrsync local: the master's summary {summaryFile} cannot be read").ConfigureAwait(false);
            return ExitCodes.Crash;
        }

        var files = summary.Stats.GetValueOrDefault("Number_of_regular_files_transferred");
        var bytes = summary.Stats.GetValueOrDefault("Total_transferred_file_size");
        var seconds = _time.GetElapsedTime(started).TotalSeconds;
        await output.WriteLineAsync(
            $"{(outcome == Outcome.Interrupted ? "Interrupted" : "Done")}: {Units.Count(summary.PathsCompleted)} paths completed, {Units.Count(summary.PathsFailed)} failed, {Units.Count(summary.PathsUnfinished)} unfinished; " +
            $"{Units.Count(files)} files, {Units.Bytes(bytes)} transferred in {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s ({Units.Bytes(bytes / Math.Max(seconds, 0.001))}/s)" +
            RestartsNote(summary.Takeovers)).ConfigureAwait(false);
        foreach (var failed in summary.FailedPaths)
        {
            await output.WriteLineAsync($"failed: {failed.Path}: {failed.Error}").ConfigureAwait(false);
        }

        if (SessionEndReason.IsDestinationFault(summary.Reason))
        {
            // The master's one line (its own stderr goes to its log here): why the session stopped, and what to do.
            await Console.Error.WriteLineAsync($"zkrsync local: error: {summary.Message}").ConfigureAwait(false);
        }

        if (options.JsonSummary is { } target)
        {
            File.Copy(summaryFile, target, overwrite: true);
        }

        return outcome == Outcome.WorkerCrashed && summary.ExitCode == ExitCodes.Success ? ExitCodes.Crash : summary.ExitCode;
    }

    /// <summary>What the summary line says about restarted workers and masters taking over, when there were any.</summary>
    private string RestartsNote(int takeovers)
    {
        var notes = new List<string>();
        if (Restarts > 0)
        {
            notes.Add(string.Join(", ", _workers.Where(w => w.Restarts > 0).Select(w => $"{w.Name} restarted {w.Restarts}x")));
        }

        if (takeovers > 0)
        {
            notes.Add($"master taken over {takeovers}x");
        }

        return notes.Count == 0 ? string.Empty : $"; {string.Join("; ", notes)}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Restarted {Worker} (restart {Restarts})")]
    private static partial void LogRestarted(ILogger logger, string worker, int restarts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Private ZooKeeper on {Servers} started in {Seconds:0.00} s")]
    private static partial void LogZooKeeperStarted(ILogger logger, string servers, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Syncing {Source} to {Destination} with {Sources} sources and {Destinations} destinations")]
    private static partial void LogStarted(ILogger logger, int sources, int destinations, string source, string destination);
}
