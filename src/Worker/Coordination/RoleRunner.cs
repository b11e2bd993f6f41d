using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Cli;
using ZkSync.Worker.Roles;
using ZkSync.Worker.Rsync;
using ZkSync.Worker.Walk;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Coordination;

/// <summary>Connects to ZooKeeper and runs the role the options name; maps every outcome to an exit code.</summary>
internal sealed partial class RoleRunner(ZkRsyncOptions options, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<RoleRunner>();

    /// <summary>What the user must fix goes to stderr as one "zkrsync: error: ..." line (as option errors do); the log
    /// (a --logfile) keeps it under this name at debug level (-d), so stderr carries it once.</summary>
    private readonly ILogger _userErrors = loggerFactory.CreateLogger("zkrsync");

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (BasePathProblem() is { } problem)
        {
            return await UsageAsync(problem).ConfigureAwait(false);
        }

        if (options.Role is (WorkerRole.Source or WorkerRole.Destination) && !options.Netcat && ExecutableSearch.Find(RsyncCommandBuilder.Rsync) is null)
        {
            // Found before joining a session, not at the first transfer after taking paths.
            return await UsageAsync("rsync is not installed (not found in PATH): install it (Debian/Ubuntu: apt-get install -y rsync)").ConfigureAwait(false);
        }

        var host = HostIdentity.AdvertisedHost(options, HostIdentity.Fqdn);
        if (options.Role is WorkerRole.Destination && !options.Netcat && BindProblem(host) is { } bindProblem)
        {
            // Found before joining a session: the daemon could never start, and every retry would say so again.
            return await UsageAsync(bindProblem).ConfigureAwait(false);
        }

        var whoAmI = HostIdentity.WhoAmI(host, Environment.ProcessId);
        string? secret = null;
        if (options.RsyncSecretFile is not null)
        {
            secret = RsyncCommandBuilder.ReadSecret(await File.ReadAllTextAsync(options.RsyncSecretFile, cancellationToken).ConfigureAwait(false));
        }

        WorkerSession session;
        try
        {
            session = await WorkerSession.OpenAsync(options, whoAmI, loggerFactory, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectionLossException exception)
        {
            return await UsageAsync(UserErrors.Unreachable(exception)).ConfigureAwait(false);
        }
        catch (AuthFailedException)
        {
            return await UsageAsync(UserErrors.AuthFailed(options.User)).ConfigureAwait(false);
        }
        catch (NoAuthException exception)
        {
            return await UsageAsync(UserErrors.NoAuth(exception, options.User)).ConfigureAwait(false);
        }
        catch (SessionExpiredException exception)
        {
            // Lost right after it was made (a starved machine, a server that restarted with it): a crash, said so.
            LogSessionLost(_logger, exception.Message);
            return RoleOutcome.Lost.ExitCode;
        }

        await using (session.ConfigureAwait(false))
        {
            try
            {
                return await RunRoleAsync(session, host, secret, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is SessionExpiredException or AuthFailedException || session.Lost.IsCancellationRequested)
            {
                LogSessionLost(_logger, exception.Message);
                return RoleOutcome.Lost.ExitCode;
            }
            catch (MasterReplacedException exception)
            {
                // Fenced: our session ended at some point and another worker took the session over.
                LogSessionLost(_logger, exception.Message);
                return RoleOutcome.Lost.ExitCode;
            }
            catch (NoAuthException exception)
            {
                // Checked before the role takes anything: the session's nodes were made with other credentials.
                return await UsageAsync(UserErrors.NoAuth(exception, options.User)).ConfigureAwait(false);
            }
            catch (PathWalkException exception)
            {
                return await UsageAsync(exception.Message).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The base a worker needs, checked before it joins a session: it exists, a source (or --pathsonly) can list
    /// it, a destination can write in it. Otherwise the master would walk nothing and wait, or every transfer
    /// would fail three times over.
    /// </summary>
    private string? BasePathProblem()
    {
        if (options.Role is WorkerRole.State || options.Netcat || !options.VerifyPath)
        {
            return null;
        }

        var path = options.RsyncPath;
        if (!Directory.Exists(path))
        {
            return $"--rsyncpath {path} is not a directory: create it, or give -r the directory to sync";
        }

        if (options.Role is WorkerRole.Destination)
        {
            return options.DryRun || BasePathCheck.WriteProblem(path) is not { } cause
                ? null
                : $"--rsyncpath {path} is not writable ({cause}): let the user zkrsync runs as write there, or give -r a writable directory";
        }

        return BasePathCheck.ReadProblem(path) is { } reason
            ? $"--rsyncpath {path} cannot be read ({reason}): let the user zkrsync runs as read and enter it, or give -r a readable directory"
            : null;
    }

    /// <summary>The daemon's listen address (<c>--bind</c>, else the advertised <c>--host</c>) when it is not one of this
    /// host's addresses.</summary>
    private string? BindProblem(string advertisedHost)
    {
        var bind = HostIdentity.BindAddress(options, advertisedHost);
        if (PortProbe.AddressProblem(bind) is not { } cause)
        {
            return null;
        }

        return options.Bind is not null
            ? $"--bind {bind} is not an address of this host ({cause}): give one of its addresses (ip -brief address), or 0.0.0.0 to listen on all"
            : $"--host {bind} is not an address of this host ({cause}), and the rsync daemon listens on it: give --bind with one of this host's addresses (ip -brief address), or 0.0.0.0 to listen on all";
    }

    private async Task<int> RunRoleAsync(WorkerSession session, string host, string? secret, CancellationToken cancellationToken)
    {
        var walker = new PathWalker(loggerFactory.CreateLogger<PathWalker>());
        switch (options.Role)
        {
            case WorkerRole.State:
                return await new StateRole(session).RunAsync(cancellationToken).ConfigureAwait(false);
            case WorkerRole.PathsOnly:
                walker.Validate(options.ToWalkOptions());
                return await new PathsOnlyRole(session, walker).RunAsync(cancellationToken).ConfigureAwait(false);
            case WorkerRole.Destination:
                await session.EnsureSessionNodesAsync(SessionSkeleton.Of(session.Name, host), cancellationToken).ConfigureAwait(false);
                return await new DestinationRole(session, host, await ProbeRsyncAsync(cancellationToken).ConfigureAwait(false)).RunAsync(cancellationToken).ConfigureAwait(false);
            default:
                if (!options.Netcat)
                {
                    walker.Validate(options.ToWalkOptions());
                }

                var capabilities = await ProbeRsyncAsync(cancellationToken).ConfigureAwait(false);
                await session.EnsureSessionNodesAsync(SessionSkeleton.Of(session.Name, null), cancellationToken).ConfigureAwait(false);
                await session.JoinPartiesAsync([ZnodeLayout.PartyAll, ZnodeLayout.PartySources], cancellationToken).ConfigureAwait(false);
                await session.EnsurePathAsync(ZnodeLayout.Stats(session.Name), cancellationToken).ConfigureAwait(false);
                var sessionLock = session.NewLock(ZnodeLayout.Lock(session.Name), string.Empty);
                // Every source but the first finds the master there already: it then writes nothing to learn it lost.
                if (!await sessionLock.HasContendersAsync(cancellationToken).ConfigureAwait(false)
                    && await sessionLock.TryAcquireAsync(cancellationToken).ConfigureAwait(false))
                {
                    LogMaster(_logger, session.WhoAmI);
                    return await new MasterRole(session, sessionLock, walker).RunAsync(cancellationToken).ConfigureAwait(false);
                }

                var end = await new SourceRole(session, capabilities, secret, sessionLock).RunAsync(cancellationToken).ConfigureAwait(false);
                if (!end.BecameMaster)
                {
                    return end.ExitCode;
                }

                return await new MasterRole(session, sessionLock, walker).RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What this rsync supports (<c>--drop-cache</c> is a patch stock rsync lacks), asked only when an option
    /// depends on it: one more process per worker adds up when 17 of them start at once on 2 cores.
    /// </summary>
    private async Task<RsyncCapabilities> ProbeRsyncAsync(CancellationToken cancellationToken)
    {
        if (!options.DropCache)
        {
            return RsyncCapabilities.None;
        }

        var help = new ProcessStartInfo(RsyncCommandBuilder.Rsync) { RedirectStandardOutput = true, RedirectStandardError = true };
        help.ArgumentList.Add("--help");
        using var process = Process.Start(help) ?? throw new InvalidOperationException("cannot start rsync");
        var text = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return RsyncCapabilities.ParseHelp(text);
    }

    /// <summary>Says <paramref name="message"/> as one <c>zkrsync: error:</c> line on stderr; exit code 2.</summary>
    private async Task<int> UsageAsync(string message)
    {
        LogUsage(_userErrors, message);
        await Console.Error.WriteLineAsync($"zkrsync: error: {message}").ConfigureAwait(false);
        return ExitCodes.Usage;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused: {Message}")]
    private static partial void LogUsage(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Lost the ZooKeeper session: {Reason}")]
    private static partial void LogSessionLost(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{WhoAmI} won the session lock: master")]
    private static partial void LogMaster(ILogger logger, string whoAmI);
}
