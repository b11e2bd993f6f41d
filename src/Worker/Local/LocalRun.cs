using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Coordination;

namespace ZkSync.Worker.Local;

/// <summary>
/// <c>zkrsync local SRC DST</c>: one machine, one command. Starts a private ZooKeeper (unless
/// <c>--servers</c>), then the master, N sources and M destinations as separate <c>zkrsync</c> processes
/// (the same code paths as a many-node session; destinations on 127.0.0.1 with rsyncd auth), shows
/// progress, prints the summary and returns the master's exit code. Everything it starts is stopped
/// and its run directory removed at the end, also after Ctrl-C, SIGTERM or a failure.
/// </summary>
internal sealed partial class LocalRun(LocalOptions options, ILoggerFactory loggerFactory, TextWriter output, CancellationToken kill = default)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<LocalRun>();
    private readonly List<ChildProcess> _workers = [];

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
        var runDirectory = Path.Combine(Path.GetFullPath(options.TmpDir), "zkrsync-local-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(runDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await RunInDirectoryAsync(runDirectory, source, destination, started, interrupt).ConfigureAwait(false);
        }
        finally
        {
            foreach (var worker in _workers)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
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
                var zkStart = Stopwatch.GetTimestamp();
                zooKeeper = await EmbeddedZooKeeper.StartAsync(runDirectory, interrupt).ConfigureAwait(false);
                servers = zooKeeper.ConnectionString;

                // A private ensemble gets a private password: nobody else should touch its tree.
                password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
                LogZooKeeperStarted(_logger, servers, Stopwatch.GetElapsedTime(zkStart).TotalSeconds);
            }

            var secretFile = PrivateFile.Write(runDirectory, "rsync-secret", Convert.ToHexString(RandomNumberGenerator.GetBytes(24)) + "\n");
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
            for (var i = 0; i < options.Destinations; i++)
            {
                _workers.Add(ChildProcess.Start(
                    $"destination {i + 1}", program,
                    [.. prefix, .. common, "--destination", "--rsyncpath", destination, "--startport", startPort.ToString(CultureInfo.InvariantCulture)],
                    Path.Combine(logs, $"destination-{i + 1}.log"), environment));
            }

            // One more source than asked: whichever wins the lock is the master, the rest transfer.
            for (var i = 0; i <= options.Sources; i++)
            {
                _workers.Add(ChildProcess.Start(
                    $"source {i + 1}", program,
                    [.. prefix, .. common, .. options.WorkerArguments, "--source", "--rsyncpath", source,
                     "--progress-file", progressFile, "--progress-interval", "1", "--json-summary", summaryFile],
                    Path.Combine(logs, $"source-{i + 1}.log"), environment));
            }

            LogStarted(_logger, options.Sources, options.Destinations, source, destination);
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

    /// <summary>Shows progress until every worker has exited. A Ctrl-C or SIGTERM asks them all to stop
    /// (the master then ends the session, the rest of the queue reported unfinished); a second one kills them.</summary>
    private async Task<Outcome> FollowAsync(string progressFile, string summaryFile, CancellationToken interrupt)
    {
        var display = new ProgressDisplay(output, !Console.IsOutputRedirected);
        var allExited = Task.WhenAll(_workers.Select(w => w.Exited));
        var interrupted = false;
        var crashed = false;
        var interruptSignal = Task.Delay(Timeout.Infinite, interrupt);
        var killSignal = Task.Delay(Timeout.Infinite, kill);
        while (!allExited.IsCompleted)
        {
            await Task.WhenAny(allExited, interruptSignal, killSignal, Task.Delay(display.Interval, CancellationToken.None)).ConfigureAwait(false);
            if (kill.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("zkrsync local: killing every worker").ConfigureAwait(false);
                foreach (var worker in _workers)
                {
                    worker.KillNow();
                }

                await allExited.ConfigureAwait(false);
                display.Finish();
                return Outcome.Interrupted;
            }

            if (interrupt.IsCancellationRequested && !interrupted)
            {
                // The cancelled delay stays completed: without a new, pending one, WhenAny would return at
                // once on every turn and this loop would spin (and print progress) until the workers exit.
                interrupted = true;
                interruptSignal = Task.Delay(Timeout.Infinite, CancellationToken.None);
                display.Finish();
                await Console.Error.WriteLineAsync("zkrsync local: stopping (the master reports what is unfinished); interrupt again to kill").ConfigureAwait(false);
                foreach (var worker in _workers)
                {
                    worker.Terminate();
                }
            }

            if (!crashed && _workers.FirstOrDefault(w => w.HasExited && w.ExitCode is not (ExitCodes.Success or ExitCodes.PathsFailed)) is { } failed
                && !File.Exists(summaryFile))
            {
                // A crashed worker before the master finished: the session cannot be trusted to end.
                crashed = true;
                display.Finish();
                await Console.Error.WriteLineAsync($"zkrsync local: {failed.Name} exited with code {failed.ExitCode}:\n{failed.Tail(20)}").ConfigureAwait(false);
                foreach (var worker in _workers)
                {
                    worker.Terminate();
                }
            }

            if (ReadProgress(progressFile) is { } report)
            {
                display.Show(report);
            }
        }

        display.Finish();
        return crashed ? Outcome.WorkerCrashed : interrupted ? Outcome.Interrupted : Outcome.Finished;
    }

    private async Task<int> ReportAsync(Outcome outcome, string summaryFile, long started)
    {
        if (!File.Exists(summaryFile))
        {
            var failures = _workers.Where(w => w.ExitCode != ExitCodes.Success).ToList();
            foreach (var worker in failures.Take(3))
            {
                await Console.Error.WriteLineAsync($"zkrsync local: {worker.Name} exited with code {worker.ExitCode}:\n{worker.Tail(20)}").ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("zkrsync local: the session did not finish (no summary from the master)").ConfigureAwait(false);
            return ExitCodes.Crash;
        }

        var json = await File.ReadAllTextAsync(summaryFile).ConfigureAwait(false);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var completed = root.GetProperty("pathsCompleted").GetInt64();
        var failed = root.GetProperty("pathsFailed").GetInt64();
        var unfinished = root.GetProperty("pathsUnfinished").GetInt64();
        var stats = root.GetProperty("stats");
        var files = stats.GetProperty("Number_of_regular_files_transferred").GetInt64();
        var bytes = stats.GetProperty("Total_transferred_file_size").GetInt64();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await output.WriteLineAsync(
            $"{(outcome == Outcome.Interrupted ? "Interrupted" : "Done")}: {Units.Count(completed)} paths completed, {Units.Count(failed)} failed, {Units.Count(unfinished)} unfinished; " +
            $"{Units.Count(files)} files, {Units.Bytes(bytes)} transferred in {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s ({Units.Bytes(bytes / Math.Max(seconds, 0.001))}/s)").ConfigureAwait(false);
        foreach (var path in root.GetProperty("failedPaths").EnumerateArray())
        {
            await output.WriteLineAsync($"failed: {path.GetString()}").ConfigureAwait(false);
        }

        if (options.JsonSummary is { } target)
        {
            File.Copy(summaryFile, target, overwrite: true);
        }

        var exitCode = root.GetProperty("exitCode").GetInt32();
        return outcome == Outcome.WorkerCrashed && exitCode == ExitCodes.Success ? ExitCodes.Crash : exitCode;
    }

    private static ProgressReport? ReadProgress(string file)
    {
        try
        {
            return File.Exists(file) ? ProgressReport.FromJson(File.ReadAllText(file)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Private ZooKeeper on {Servers} started in {Seconds:0.00} s")]
    private static partial void LogZooKeeperStarted(ILogger logger, string servers, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Syncing {Source} to {Destination} with {Sources} sources and {Destinations} destinations")]
    private static partial void LogStarted(ILogger logger, int sources, int destinations, string source, string destination);
}
