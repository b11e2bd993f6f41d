using k8s;
using Microsoft.Extensions.Logging;
using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Runtime;

/// <summary>At start: asks discovery whether the API server serves <c>zksync.io/v1alpha1</c>, and waits (saying
/// what to do) until it does, so a missing CRD is one clear line in the log rather than failing watches.</summary>
public sealed partial class CrdCheck(IKubernetes kubernetes, OperatorHealth health, TimeProvider time, ILogger<CrdCheck> logger)
{
    public async Task<bool> IsServedAsync(CancellationToken cancellationToken)
    {
        var groups = await kubernetes.Apis.GetAPIVersionsAsync(cancellationToken).ConfigureAwait(false);
        return groups.Groups?.Any(g => g.Name == ZkRsyncSessionResource.Group
                                       && g.Versions?.Any(v => v.Version == ZkRsyncSessionResource.Version) == true) == true;
    }

    public async Task WaitUntilServedAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await IsServedAsync(cancellationToken).ConfigureAwait(false))
                {
                    health.CrdServed = true;
                    return;
                }

                LogNotServed(logger, ZkRsyncSessionResource.CrdName, ZkRsyncSessionResource.ApiVersion);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogDiscoveryFailed(logger, e.Message);
            }

            await Task.Delay(BackoffPolicy.Watch.Delay(Math.Min(attempt, 6)), time, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The CustomResourceDefinition {Crd} is not installed: the API server does not serve {ApiVersion}. Install it (kubectl apply -f crds/ or the Helm chart); waiting")]
    private static partial void LogNotServed(ILogger logger, string crd, string apiVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "API discovery failed: {Error}; retrying")]
    private static partial void LogDiscoveryFailed(ILogger logger, string error);
}
