using Microsoft.Extensions.Logging;
using ZkSync.Worker.Cli;
using ZkSync.Worker.Rsync;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// Runs one rsync push for a batch of path entries of one kind, named on its command line or selected by
/// a list in <c>--tmpdir</c> (removed afterwards: filter rules, or with <c>--files-from</c> the original's
/// list) (see <see cref="BatchSelection"/>), the original's flags, the secret in the environment.
/// Cancelling kills rsync.
/// </summary>
internal sealed partial class PathTransfer(
    ZkRsyncOptions options, string session, RsyncCapabilities capabilities, string? secret, TimeProvider time, ILogger logger)
{
    private readonly RsyncSourceSettings _settings = RsyncSourceSettings.From(options);
    private readonly RawPath _basePath = RawPath.FromString(options.RsyncPath!);

    public async Task<TransferResult> RunAsync(IReadOnlyList<PathEntry> entries, DestinationSlot slot, string whoAmI, CancellationToken cancellationToken)
    {
        if (options.Netcat)
        {
            return await RunNetcatAsync(entries, slot, whoAmI, cancellationToken).ConfigureAwait(false);
        }

        var selection = BatchSelection.For(_basePath, entries, options.FilesFrom, options.ArbitOpts);
        if (selection.FilesFromReason is { } reason)
        {
            LogFilesFromInstead(logger, reason);
        }

        var list = selection.List;
        var listFile = list.UsesListFile ? PrivateFile.Write(options.TmpDir, list is FilesFromList ? "files-from" : "filter", list.Content) : null;
        try
        {
            var invocation = RsyncCommandBuilder.Source(
                _settings, list, listFile ?? string.Empty, options.RsyncPath!, slot.Host, slot.Port, session, capabilities, secret, selection.SubPath);
            LogSending(logger, whoAmI, entries.Count, entries[0].ToString(), slot.Host, slot.Port);
            LogCommand(logger, invocation.ToString());
            var rsyncStarted = time.GetTimestamp();
            var result = await ProcessRunner.RunAsync(invocation, cancellationToken).ConfigureAwait(false);
            LogRsyncTime(logger, time.GetElapsedTime(rsyncStarted).TotalMilliseconds);
            var stats = RsyncStatsParser.Parse(result.StandardOutput);
            if (!result.Succeeded)
            {
                LogRsyncFailed(logger, result.ExitCode, entries.Count, result.StandardError.Trim());
            }
            else if (options.Verbose)
            {
                LogVerboseOutput(logger, result.StandardOutput);
            }

            return new TransferResult(result.ExitCode, stats, result.StandardOutput, ErrorOf(result))
            {
                CapacityError = result.Succeeded ? null : DestinationErrors.Classify(result.StandardError),
            };
        }
        finally
        {
            if (listFile is not null)
            {
                File.Delete(listFile);
            }
        }
    }

    private async Task<TransferResult> RunNetcatAsync(IReadOnlyList<PathEntry> entries, DestinationSlot slot, string whoAmI, CancellationToken cancellationToken)
    {
        var flags = RsyncCommandBuilder.SourceFlags(_settings, "nofile", false, capabilities);
        foreach (var entry in entries)
        {
            var invocation = RsyncCommandBuilder.NetcatSource(slot.Host, slot.Port, whoAmI, entry.Path.ToString(), flags);
            var result = await ProcessRunner.RunAsync(invocation, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return new TransferResult(result.ExitCode, RsyncStats.Empty, result.StandardError, ErrorOf(result));
            }
        }

        return new TransferResult(0, RsyncStats.Empty, string.Empty);
    }

    /// <summary>One line for a failed run: rsync's exit code and the last lines it wrote to stderr (its own error
    /// summary comes last, the cause just before it).</summary>
    internal static string ErrorOf(ProcessResult result)
    {
        if (result.Succeeded)
        {
            return string.Empty;
        }

        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var detail = string.Join(" / ", lines.TakeLast(2));
        return Contracts.FailureRecord.OneLine(string.IsNullOrEmpty(detail)
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"rsync exited with code {result.ExitCode}")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"rsync exited with code {result.ExitCode}: {detail}"));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{WhoAmI} is sending {Count} path(s) starting with {First} to {Host} {Port}")]
    private static partial void LogSending(ILogger logger, string whoAmI, int count, string first, string host, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "This batch runs with a --files-from list: {Reason}")]
    private static partial void LogFilesFromInstead(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "rsync ran {Milliseconds:0} ms")]
    private static partial void LogRsyncTime(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Command: {Command}")]
    private static partial void LogCommand(ILogger logger, string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rsync exited with {ExitCode} for a batch of {Count}: {Error}")]
    private static partial void LogRsyncFailed(ILogger logger, int exitCode, int count, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Verbose file list output is: {Output}")]
    private static partial void LogVerboseOutput(ILogger logger, string output);
}
