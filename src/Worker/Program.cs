using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Cli;
using ZkSync.Worker.Logging;

namespace ZkSync.Worker;

/// <summary><c>zkrsync</c>: parse options, set up logging, run the role, return its exit code.</summary>
public static partial class Program
{
    public static async Task<int> Main(string[] args)
    {
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
                return await RunZkRsyncAsync(run.Options).ConfigureAwait(false);
            case RunInitTreeCommand initTree:
                return RunInitTree(initTree.Options);
            default:
                return ExitCodes.Crash;
        }
    }

    private static Task<int> RunZkRsyncAsync(ZkRsyncOptions options)
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
            Console.Error.WriteLine($"zkrsync: error: --logfile: {e.Message}");
            return Task.FromResult(ExitCodes.Usage);
        }

        using var loggerFactory = LoggingSetup.Create(options.LogLevel, logFile, options.MaxBytes, options.BackupCount);
        var logger = loggerFactory.CreateLogger("zkrsync");
        if (logFile is not null)
        {
            LogLoggingTo(logger, logFile);
        }

        // TODO(role wiring): connect to ZooKeeper (src/ZooKeeper) and run the master/source, destination,
        // paths-only or state role. Until then every role reports a crash so that no Job looks finished.
        LogNotImplemented(logger, options.Role);
        return Task.FromResult(ExitCodes.Crash);
    }

    private static int RunInitTree(InitTreeOptions options)
    {
        using var loggerFactory = LoggingSetup.Create(options.LogLevel, null, 0, 0);
        var logger = loggerFactory.CreateLogger("zkinitree");
        LogInitTreePlan(logger, options.Plan.Nodes.Count);

        // TODO(role wiring): create the plan's nodes with their ACLs through the ZooKeeper client.
        LogNotImplemented(logger, "initree");
        return ExitCodes.Crash;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Logging to file {LogFile}")]
    private static partial void LogLoggingTo(ILogger logger, string logFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "zkinitree plan has {Count} znodes")]
    private static partial void LogInitTreePlan(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "role {Role} is not yet implemented (needs the ZooKeeper client)")]
    private static partial void LogNotImplemented(ILogger logger, object role);
}
