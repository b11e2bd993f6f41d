using System.Security.Cryptography;
using System.Text;
using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Reconciliation;

/// <summary>A short hash of the spec fields a pass takes when it starts (counts, depth, sub paths, progress interval,
/// rsync, workers, backoff, TTL): a change during a pass applies from the next one, and the status says so.</summary>
public static class SpecHash
{
    public static string Of(V1Alpha1ZkRsyncSessionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var relevant = new
        {
            sources = spec.SourceCount,
            destinations = spec.DestinationCount,
            depth = spec.DepthOrDefault,
            subPaths = spec.SubPaths,
            progress = spec.ProgressIntervalOrDefault,
            rsync = spec.Rsync,
            workers = spec.Workers,
            backoffLimit = spec.BackoffLimit,
            ttl = spec.TtlSecondsAfterFinished,
        };
        var json = k8s.KubernetesJson.Serialize(relevant);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }
}
