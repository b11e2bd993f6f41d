using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers;

/// <summary>
/// Serves what CRDs define: on a CRD's creation or change its versions are registered (discovery,
/// OpenAPI and the request router follow) and its status gets the accepted names and the
/// <c>NamesAccepted</c> and <c>Established</c> conditions, before the write returns; a deleted CRD's
/// custom resources are deleted (the <c>customresourcecleanup</c> finalizer), then the resource goes.
/// </summary>
public sealed partial class CustomResourceDefinitionController : BackgroundService
{
    private const string CrdStorageKey = "customresourcedefinitions.apiextensions.k8s.io";

    private readonly ResourceService _resources;
    private readonly TimeProvider _time;
    private readonly ILogger<CustomResourceDefinitionController> _logger;

    public CustomResourceDefinitionController(ResourceService resources, TimeProvider time, ILogger<CustomResourceDefinitionController> logger)
    {
        _resources = resources;
        _time = time;
        _logger = logger;
        resources.Written += OnWritten;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        StoreEventLoop.RunAsync(_resources.Store, null, _ => { }, CleanUpDeleted, _logger, stoppingToken);

    private ResourceType CrdType => _resources.Registry.StorageType(CrdStorageKey)!;

    private void OnWritten(StoredChange change)
    {
        if (change.Type.StorageKey != CrdStorageKey)
        {
            return;
        }

        var name = Metadata.Name(change.Object);
        if (change.Change == WatchEventType.Deleted ||
            (Metadata.IsDeleting(change.Object) && !Metadata.Finalizers(change.Object).Contains(CustomResourceDefinitions.CleanupFinalizer)))
        {
            _resources.Registry.RemoveCustomResource(name);
            LogUnserved(name);
            return;
        }

        var conflict = NameConflict(change.Object);
        // A CRD being deleted keeps what it serves until its cleanup ends, but never serves anew: a write of it on
        // another thread (a status update during the cleanup) could otherwise serve it again after the removal.
        if (conflict is null && !Metadata.IsDeleting(change.Object))
        {
            _resources.Registry.SetCustomResource(name, CustomResourceDefinitions.ToResourceTypes(change.Object));
        }

        var now = Metadata.Timestamp(_time.GetUtcNow());
        _resources.Mutate(CrdType, null, name, crd => SetStatus(crd, conflict, now), "status");
    }

    private static bool SetStatus(JsonObject crd, string? conflict, string now)
    {
        var status = BuiltInDefaults.Ensure(crd, "status");
        var before = status.DeepClone();
        var accepted = conflict is null;
        if (accepted)
        {
            status["acceptedNames"] = CustomResourceDefinitions.AcceptedNames(crd);
        }
        else if (status["acceptedNames"] is null)
        {
            status["acceptedNames"] = new JsonObject { ["kind"] = "", ["plural"] = "" };
        }

        var conditions = status["conditions"] as JsonArray ?? [];
        status["conditions"] = conditions;
        SetCondition(conditions, "NamesAccepted", accepted ? "True" : "False", accepted ? "NoConflicts" : "PluralConflict",
            accepted ? "no conflicts found" : conflict!, now);
        var established = accepted || Condition(conditions, "Established") == "True";
        SetCondition(conditions, "Established", established ? "True" : "False", established ? "InitialNamesAccepted" : "NotAccepted",
            established ? "the initial names have been accepted" : "not all names are accepted", now);
        if (Metadata.IsDeleting(crd))
        {
            SetCondition(conditions, "Terminating", "True", "InstanceDeletionInProgress", "CustomResource deletion is in progress", now);
        }

        var storage = (crd["spec"]?["versions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(v => JsonValues.Bool(v["storage"]) == true)?["name"];
        var stored = status["storedVersions"] as JsonArray ?? [];
        if (JsonValues.String(storage) is { } version && !stored.Any(v => JsonValues.String(v) == version))
        {
            stored.Add(version);
        }

        status["storedVersions"] = stored;
        return !JsonNode.DeepEquals(before, status);
    }

    private static string? Condition(JsonArray conditions, string type) =>
        conditions.OfType<JsonObject>().Where(c => JsonValues.String(c["type"]) == type).Select(c => JsonValues.String(c["status"])).FirstOrDefault();

    private static void SetCondition(JsonArray conditions, string type, string status, string reason, string message, string now)
    {
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => JsonValues.String(c["type"]) == type);
        if (existing is null)
        {
            conditions.Add(new JsonObject
            {
                ["type"] = type, ["status"] = status, ["lastTransitionTime"] = now, ["reason"] = reason, ["message"] = message,
            });
            return;
        }

        if (JsonValues.String(existing["status"]) != status)
        {
            existing["lastTransitionTime"] = now;
        }

        existing["status"] = status;
        existing["reason"] = reason;
        existing["message"] = message;
    }

    /// <summary>Another resource of the group already using this CRD's plural or kind: the names are not accepted.</summary>
    private string? NameConflict(JsonObject crd)
    {
        var names = CustomResourceDefinitions.AcceptedNames(crd);
        var group = JsonValues.String(crd["spec"]?["group"]) ?? "";
        var plural = JsonValues.String(names["plural"]) ?? "";
        var name = Metadata.Name(crd);
        foreach (var served in _resources.Registry.All)
        {
            if (served.Group != group || served.Custom?.CrdName == name)
            {
                continue;
            }

            if (served.Plural == plural)
            {
                return $"\"{plural}\" is already in use";
            }
        }

        return null;
    }

    /// <summary>Deletes the custom resources of deleting CRDs; once none is left, releases the CRD.</summary>
    private void CleanUpDeleted()
    {
        foreach (var crd in _resources.Store.List(CrdStorageKey, null, Metadata.IsDeleting).Items)
        {
            if (!Metadata.Finalizers(crd).Contains(CustomResourceDefinitions.CleanupFinalizer))
            {
                continue;
            }

            var name = Metadata.Name(crd);
            var remaining = 0;
            var storage = _resources.Registry.All.FirstOrDefault(t => t.Custom?.CrdName == name && t.IsStorageVersion);
            if (storage is not null)
            {
                foreach (var item in _resources.Store.List(storage.StorageKey, null).Items)
                {
                    remaining++;
                    if (!Metadata.IsDeleting(item))
                    {
                        try
                        {
                            _resources.Delete(storage, Metadata.Namespace(item), Metadata.Name(item), new DeleteOptions());
                        }
                        catch (ApiException e) when (e.Code == 404)
                        {
                        }
                    }
                }
            }

            if (remaining == 0)
            {
                // Unserved before the finalizer goes, so that once a client sees the CRD gone its resource is gone too.
                _resources.Registry.RemoveCustomResource(name);
                _resources.Mutate(CrdType, null, name, current =>
                {
                    Metadata.SetFinalizers(current, Metadata.Finalizers(current).Where(f => f != CustomResourceDefinitions.CleanupFinalizer).ToList());
                    return true;
                });
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "CustomResourceDefinition {Name} deleted: its resource is no longer served")]
    private partial void LogUnserved(string name);
}
