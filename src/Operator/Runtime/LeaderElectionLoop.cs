using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace ZkSync.Operator.Runtime;

/// <summary>
/// Runs <c>lead</c> only while this replica holds the Lease, in a loop: KubernetesClient's LeaderElector returns
/// after leadership is lost, so it is started again (and again) until shutdown. Work is gated on the elector's
/// started/stopped events, and cancelled at once when leadership is lost, so two replicas never work together.
/// </summary>
public sealed partial class LeaderElectionLoop(
    IKubernetes kubernetes, string @namespace, string leaseName, string identity, LeaderElectionTiming timing,
    OperatorHealth health, OperatorMetrics metrics, ILogger<LeaderElectionLoop> logger)
{
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var leaseLock = new LeaseLock(kubernetes, @namespace, leaseName, identity);
            using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
            {
                LeaseDuration = timing.LeaseDuration,
                RenewDeadline = timing.RenewDeadline,
                RetryPeriod = timing.RetryPeriod,
            });
            using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task? work = null;
            elector.OnStartedLeading += () =>
            {
                LogLeading(logger, identity, leaseName);
                health.Leading = true;
                metrics.Leader.Set(1);
                work = Task.Run(() => lead(term.Token), CancellationToken.None);
            };
            elector.OnStoppedLeading += () =>
            {
                if (!cancellationToken.IsCancellationRequested)
                {
                    LogLostLease(logger, identity, leaseName);
                }

                health.Leading = false;
                metrics.Leader.Set(0);
                term.Cancel(); // stop every watch and worker now: another replica may lead already
            };
            elector.OnNewLeader += leader => LogNewLeader(logger, leader);
            elector.OnError += e => LogElectionError(logger, e.Message);
            try
            {
                await elector.RunUntilLeadershipLostAsync(cancellationToken).ConfigureAwait(false);
                attempt = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                attempt++;
                LogElectionError(logger, e.Message);
            }
            finally
            {
                await term.CancelAsync().ConfigureAwait(false);
                health.Leading = false;
                metrics.Leader.Set(0);
                if (work is not null)
                {
                    await work.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    LogStoppedLeading(logger, identity);
                }
            }

            if (!cancellationToken.IsCancellationRequested && attempt > 0)
            {
                await Task.Delay(BackoffPolicy.Watch.Delay(attempt), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} leads (Lease {Lease}): starting the controller")]
    private static partial void LogLeading(ILogger logger, string identity, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} lost the Lease {Lease}: stopping the controller")]
    private static partial void LogLostLease(ILogger logger, string identity, string lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} stopped leading: controller stopped, queue dropped")]
    private static partial void LogStoppedLeading(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Leader is {Leader}")]
    private static partial void LogNewLeader(ILogger logger, string leader);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader election: {Error}")]
    private static partial void LogElectionError(ILogger logger, string error);
}
