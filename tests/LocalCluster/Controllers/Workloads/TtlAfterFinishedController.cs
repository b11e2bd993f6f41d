using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers.Workloads;

/// <summary>The TTL-after-finished controller: a finished Job with <c>ttlSecondsAfterFinished</c> is deleted (in the
/// foreground, its pods first) that long after its Complete or Failed condition.</summary>
public sealed class TtlAfterFinishedController : KeyedController
{
    private readonly ResourceService _resources;
    private readonly ClusterTypes _types;

    public TtlAfterFinishedController(ResourceService resources, ClusterTypes types, TimeProvider time, ILogger<TtlAfterFinishedController> logger)
        : base(resources.Store, time, logger)
    {
        _resources = resources;
        _types = types;
    }

    protected override IEnumerable<string> KeysFor(StoreEvent change)
    {
        if (change.StorageKey == _types.Jobs.StorageKey && change.Type != WatchEventType.Deleted &&
            JsonValues.Long(change.Object["spec"]?["ttlSecondsAfterFinished"]) is not null && JobController.IsFinished(change.Object))
        {
            yield return Owners.Key(change.Object);
        }
    }

    protected override Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = Owners.SplitKey(key);
        var job = _resources.Store.Get(_types.Jobs.StorageKey, ns, name);
        if (job is null || Metadata.IsDeleting(job) || JsonValues.Long(job["spec"]?["ttlSecondsAfterFinished"]) is not { } ttl || !JobController.IsFinished(job))
        {
            return Task.FromResult<TimeSpan?>(null);
        }

        var finishedAt = BuiltInDefaults.Objects(job["status"]?["conditions"])
            .Where(c => JsonValues.String(c["type"]) is "Complete" or "Failed" && JsonValues.String(c["status"]) == "True")
            .Select(c => Metadata.ParseTimestamp(c["lastTransitionTime"]))
            .FirstOrDefault() ?? Time.GetUtcNow();
        var remaining = finishedAt.AddSeconds(ttl) - Time.GetUtcNow();
        if (remaining > TimeSpan.Zero)
        {
            return Task.FromResult<TimeSpan?>(remaining);
        }

        try
        {
            _resources.Delete(_types.Jobs, ns, name, new DeleteOptions { PropagationPolicy = "Foreground", PreconditionUid = Metadata.Uid(job) });
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }

        return Task.FromResult<TimeSpan?>(null);
    }
}
