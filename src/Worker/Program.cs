using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Cli;
using ZkSync.Worker.Coordination;
using ZkSync.Worker.Local;
using ZkSync.Worker.Roles;
using ZkSync.Worker.Logging;

namespace ZkSync.Worker;

/// <summary><c>zkrsync</c>: parse options, set up logging, run the role, return its exit code.</summary>
public static partial class Program
{
    public static async Task<int> Main(string[] args)
    {
        ChildProcess.EnterOwnSessionIfAsked();
        var command = CommandLine.Parse(args, CommandLine.CurrentEnvironment());
        switch (command)
        {
            case ShowHelpCommand help:
                await Console.Out.WriteAsync(help.Text).ConfigureAwait(false);
                return ExitCodes.Success;
            case UsageErrorCommand error:
                await Console.Error.WriteLineAsync($"zkrsync: error: {error.Message}").ConfigureAwait(false);
                await Console.Error.WriteLineAsync("Try 'zkrsync --help' for more information.").ConfigureAwait(false);
                return ExitCodes.Usage;
            case RunZkRsyncCommand run:
                return await RunZkRsyncAsync(run.Options, args).ConfigureAwait(false);
            case RunLocalCommand local:
                return await RunLocalAsync(local.Options).ConfigureAwait(false);
            case RunInitTreeCommand initTree:
                return await RunInitTreeAsync(initTree.Options).ConfigureAwait(false);
            default:
                return ExitCodes.Crash;
        }
    }

    private static async Task<int> RunZkRsyncAsync(ZkRsyncOptions options, string[] args)
    {
        if (options.Daemon && !Daemonizer.IsDetached)
        {
            var pid = Daemonizer.Detach(args);
            await Console.Out.WriteLineAsync($"zkrsync: running in the background as pid {pid}").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var pidFile = options.Daemon ? Daemonizer.WritePidFile(options) : null;
        try
        {
            return await RunInForegroundAsync(options).ConfigureAwait(false);
        }
        finally
        {
            if (pidFile is not null)
            {
                File.Delete(pidFile);
            }
        }
    }

    private static async Task<int> RunInForegroundAsync(ZkRsyncOptions options)
    {
        string? logFile;
        try
        {
            logFile = options.LogFile is null
                ? null
                : PathTemplate.Expand(options.LogFile, options.Session, options.RsType, Environment.ProcessId);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"zkrsync: error: --logfile: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        using var loggerFactory = LoggingSetup.Create(options.LogLevel, logFile, options.MaxBytes, options.BackupCount);
        var logger = loggerFactory.CreateLogger("zkrsync");
        if (logFile is not null)
        {
            LogLoggingTo(logger, logFile);
        }

        using var signals = new ShutdownSignals();
        try
        {
            return await new RoleRunner(options, loggerFactory).RunAsync(signals.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !signals.Token.IsCancellationRequested)
        {
            LogCrash(logger, exception);
            return ExitCodes.Crash;
        }
        catch (OperationCanceledException)
        {
            LogInterrupted(logger);
            return ExitCodes.Crash;
        }
    }

    private static async Task<int> RunLocalAsync(LocalOptions options)
    {
        using var loggerFactory = LoggingSetup.Create(options.LogLevel, null, 0, 0);
        var logger = loggerFactory.CreateLogger("zkrsync-local");
        using var signals = new ShutdownSignals();
        try
        {
            return await new LocalRun(options, loggerFactory, Console.Out, signals.Repeated).RunAsync(signals.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogCrash(logger, exception);
            return ExitCodes.Crash;
        }
    }

    private static async Task<int> RunInitTreeAsync(InitTreeOptions options)
    {
        using var loggerFactory = LoggingSetup.Create(options.LogLevel, null, 0, 0);
        var logger = loggerFactory.CreateLogger("zkinitree");
        LogInitTreePlan(logger, options.Plan.Nodes.Count);
        using var signals = new ShutdownSignals();
        try
        {
            return await new InitTreeRole(options, loggerFactory).RunAsync(signals.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ZooKeeper.ConnectionLossException or ZooKeeper.AuthFailedException or UsageException)
        {
            // What the user must fix (servers, credentials, the config's sections or the tree's ACLs): one line, no stack trace.
            var message = exception switch
            {
                ZooKeeper.ConnectionLossException lost => UserErrors.Unreachable(lost),
                ZooKeeper.AuthFailedException => UserErrors.AuthFailed(InitTree.InitTreePlan.RootUser),
                _ => exception.Message,
            };
            await Console.Error.WriteLineAsync($"zkrsync initree: error: {message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogCrash(logger, exception);
            return ExitCodes.Crash;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Logging to file {LogFile}")]
    private static partial void LogLoggingTo(ILogger logger, string logFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "zkinitree plan has {Count} znodes")]
    private static partial void LogInitTreePlan(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "zkrsync crashed")]
    private static partial void LogCrash(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted")]
    private static partial void LogInterrupted(ILogger logger);
}
