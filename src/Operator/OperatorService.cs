using k8s;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZkSync.Operator.Configuration;
using ZkSync.Operator.Controller;
using ZkSync.Operator.Reconciliation;
using ZkSync.Operator.Runtime;
using ZkSync.Operator.ZooKeeper;

namespace ZkSync.Operator;

/// <summary>The operator's main loop: waits for the CRD to be served, then runs the controller while this replica
/// leads (or at once without leader election). Stops in order on shutdown (SIGTERM): workers, watches, ZooKeeper.</summary>
public sealed partial class OperatorService(
    IKubernetes kubernetes,
    OperatorOptions options,
    ZooKeeperConnections connections,
    OperatorHealth health,
    OperatorMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<OperatorService>();

    /// <summary>This replica's name (Lease holder, Event reporter).</summary>
    public static string InstanceOf(OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Instance ?? Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}-{Environment.ProcessId}";
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var instance = InstanceOf(options);
            var cluster = new KubernetesSessionCluster(kubernetes, time, instance);
            var workers = options.Workers;
            var settings = new SessionControllerSettings(
                new WorkerDefaults(workers.Image, workers.Command, workers.ArgsPrefixOrDefault, workers.ImagePullPolicy),
                options.ZooKeeper.Servers,
                TimeSpan.FromSeconds(options.StatusIntervalSeconds),
                options.NetworkPolicy.Enabled)
            {
                FinishedJobsGrace = TimeSpan.FromSeconds(options.FinishedJobsGraceSeconds),
                DnsPorts = options.NetworkPolicy.DnsPortsOrDefault,
            };
            var controller = new SessionController(kubernetes, cluster, connections, settings, options.WatchNamespaces, options.Concurrency,
                new WatchSettings(options.WatchTimeoutSeconds, BackoffPolicy.Watch), health, metrics, time, loggerFactory);

            await new CrdCheck(kubernetes, health, time, loggerFactory.CreateLogger<CrdCheck>()).WaitUntilServedAsync(stoppingToken).ConfigureAwait(false);
            LogStarting(_logger, instance, options.WatchNamespaces.Count == 0 ? "all namespaces" : string.Join(',', options.WatchNamespaces));
            var election = options.LeaderElection;
            if (!election.Enabled)
            {
                health.Leading = true;
                metrics.Leader.Set(1);
                await controller.RunAsync(stoppingToken).ConfigureAwait(false);
                return;
            }

            var loop = new LeaderElectionLoop(kubernetes, options.Namespace ?? Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "default",
                election.LeaseName, instance,
                new LeaderElectionTiming(TimeSpan.FromSeconds(election.LeaseDurationSeconds), TimeSpan.FromSeconds(election.RenewDeadlineSeconds), TimeSpan.FromSeconds(election.RetryPeriodSeconds)),
                health, metrics, loggerFactory.CreateLogger<LeaderElectionLoop>());
            await loop.RunAsync(controller.RunAsync, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            health.Fault = e.Message;
            LogFailed(_logger, e.Message, e);
            throw;
        }
        finally
        {
            LogStopped(_logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "zksync-operator {Instance} starting, watching {Namespaces}")]
    private static partial void LogStarting(ILogger logger, string instance, string namespaces);

    [LoggerMessage(Level = LogLevel.Critical, Message = "zksync-operator failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "zksync-operator stopped")]
    private static partial void LogStopped(ILogger logger);
}
