using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers;

/// <summary>
/// Garbage collection through ownerReferences, as the real collector does it: a dependent whose
/// owners are all gone is deleted (background); one that still has a live owner loses only the
/// dangling reference; an owner deleted in the foreground (<c>foregroundDeletion</c> finalizer)
/// has its dependents deleted and goes once none with <c>blockOwnerDeletion</c> is left; one
/// deleted with <c>orphan</c> has its dependents' references removed, then its finalizer.
/// An owner is matched by uid, in the dependent's namespace or cluster-scoped.
/// </summary>
public sealed partial class GarbageCollector : BackgroundService
{
    private const string ForegroundFinalizer = "foregroundDeletion";
    private const string OrphanFinalizer = "orphan";

    private readonly ResourceService _resources;
    private readonly ILogger<GarbageCollector> _logger;
    private bool _dirty = true;

    public GarbageCollector(ResourceService resources, ILogger<GarbageCollector> logger)
    {
        _resources = resources;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        StoreEventLoop.RunAsync(_resources.Store, null, Observe, Collect, _logger, stoppingToken);

    private void Observe(StoreEvent change)
    {
        // Only deletions, objects with owners and deleting owners change what is collectable.
        if (change.Type == WatchEventType.Deleted || Metadata.OwnerReferences(change.Object).Count > 0 || Metadata.IsDeleting(change.Object))
        {
            _dirty = true;
        }
    }

    private void Collect()
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        var all = new List<(ResourceType Type, JsonObject Object)>();
        foreach (var type in _resources.Registry.StoredResources())
        {
            all.AddRange(_resources.Store.List(type.StorageKey, null).Items.Select(o => (type, o)));
        }

        var byUid = all.Where(e => Metadata.Uid(e.Object) is not null).ToDictionary(e => Metadata.Uid(e.Object)!, StringComparer.Ordinal);
        foreach (var (type, obj) in all)
        {
            var references = Metadata.OwnerReferences(obj);
            if (references.Count > 0 && !Metadata.IsDeleting(obj))
            {
                CollectDependent(type, obj, references, byUid);
            }

            if (Metadata.IsDeleting(obj))
            {
                var finalizers = Metadata.Finalizers(obj);
                if (finalizers.Contains(ForegroundFinalizer))
                {
                    DeleteForeground(type, obj, all);
                }
                else if (finalizers.Contains(OrphanFinalizer))
                {
                    Orphan(type, obj, all);
                }
            }
        }
    }

    private void CollectDependent(ResourceType type, JsonObject obj, IReadOnlyList<JsonObject> references, Dictionary<string, (ResourceType Type, JsonObject Object)> byUid)
    {
        var ns = Metadata.Namespace(obj);
        var live = references.Where(r => OwnerExists(r, ns, byUid)).ToList();
        if (live.Count == references.Count)
        {
            return;
        }

        var name = Metadata.Name(obj);
        if (live.Count == 0)
        {
            var ownerDeleting = references.Any(r => byUid.TryGetValue(JsonValues.String(r["uid"]) ?? "", out var o) &&
                                                    Metadata.Finalizers(o.Object).Contains(ForegroundFinalizer));
            LogCollected(type.GroupResource, ns, name);
            TryDelete(type, ns, name, ownerDeleting ? "Foreground" : "Background");
            return;
        }

        var liveUids = live.Select(r => JsonValues.String(r["uid"])).ToHashSet(StringComparer.Ordinal);
        _resources.Mutate(type, ns, name, current =>
        {
            var kept = Metadata.OwnerReferences(current).Where(r => liveUids.Contains(JsonValues.String(r["uid"]))).Select(r => (JsonNode?)r.DeepClone()).ToArray();
            Metadata.Of(current)["ownerReferences"] = new JsonArray(kept);
            return true;
        });
    }

    /// <summary>An owner reference points at a live owner: one with that uid, in the dependent's namespace or cluster-scoped, and not itself being deleted unless in the foreground.</summary>
    private static bool OwnerExists(JsonObject reference, string? ns, Dictionary<string, (ResourceType Type, JsonObject Object)> byUid)
    {
        if (!byUid.TryGetValue(JsonValues.String(reference["uid"]) ?? "", out var owner))
        {
            return false;
        }

        var ownerNs = Metadata.Namespace(owner.Object);
        if (ownerNs is not null && ownerNs != ns)
        {
            return false;
        }

        // A foreground-deleting owner is still there, but its dependents are to go.
        return !Metadata.Finalizers(owner.Object).Contains(ForegroundFinalizer);
    }

    private void DeleteForeground(ResourceType type, JsonObject owner, List<(ResourceType Type, JsonObject Object)> all)
    {
        var uid = Metadata.Uid(owner);
        var blocking = 0;
        foreach (var (dependentType, dependent) in Dependents(uid, all))
        {
            var reference = Metadata.OwnerReferences(dependent).First(r => JsonValues.String(r["uid"]) == uid);
            if (JsonValues.Bool(reference["blockOwnerDeletion"]) == true)
            {
                blocking++;
            }

            if (!Metadata.IsDeleting(dependent))
            {
                TryDelete(dependentType, Metadata.Namespace(dependent), Metadata.Name(dependent), "Foreground");
            }
        }

        if (blocking == 0)
        {
            RemoveFinalizer(type, owner, ForegroundFinalizer);
        }
    }

    private void Orphan(ResourceType type, JsonObject owner, List<(ResourceType Type, JsonObject Object)> all)
    {
        var uid = Metadata.Uid(owner);
        foreach (var (dependentType, dependent) in Dependents(uid, all))
        {
            _resources.Mutate(dependentType, Metadata.Namespace(dependent), Metadata.Name(dependent), current =>
            {
                var kept = Metadata.OwnerReferences(current).Where(r => JsonValues.String(r["uid"]) != uid).Select(r => (JsonNode?)r.DeepClone()).ToArray();
                if (kept.Length == 0)
                {
                    Metadata.Of(current).Remove("ownerReferences");
                }
                else
                {
                    Metadata.Of(current)["ownerReferences"] = new JsonArray(kept);
                }

                return true;
            });
        }

        RemoveFinalizer(type, owner, OrphanFinalizer);
    }

    private static IEnumerable<(ResourceType Type, JsonObject Object)> Dependents(string? uid, List<(ResourceType Type, JsonObject Object)> all) =>
        all.Where(e => Metadata.OwnerReferences(e.Object).Any(r => JsonValues.String(r["uid"]) == uid));

    private void RemoveFinalizer(ResourceType type, JsonObject obj, string finalizer)
    {
        _resources.Mutate(type, Metadata.Namespace(obj), Metadata.Name(obj), current =>
        {
            Metadata.SetFinalizers(current, Metadata.Finalizers(current).Where(f => f != finalizer).ToList());
            return true;
        });
        _dirty = true;
    }

    private void TryDelete(ResourceType type, string? ns, string name, string propagation)
    {
        try
        {
            _resources.Delete(type, ns, name, new DeleteOptions { PropagationPolicy = propagation });
        }
        catch (ApiException e) when (e.Code == 404)
        {
        }

        _dirty = true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Garbage-collecting {Resource} {Namespace}/{Name}: its owners are gone")]
    private partial void LogCollected(string resource, string? @namespace, string name);
}
