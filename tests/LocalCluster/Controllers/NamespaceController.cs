using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Controllers;

/// <summary>
/// Namespace deletion as a cluster's namespace controller does it: a Terminating namespace's
/// contents are deleted (each object's own finalizers still hold it), and once nothing is left the
/// <c>kubernetes</c> finalizer is removed through <c>/finalize</c>, so the namespace goes.
/// </summary>
public sealed partial class NamespaceController : BackgroundService
{
    private readonly ResourceService _resources;
    private readonly ILogger<NamespaceController> _logger;

    public NamespaceController(ResourceService resources, ILogger<NamespaceController> logger)
    {
        _resources = resources;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        StoreEventLoop.RunAsync(_resources.Store, null, _ => { }, FinishTerminating, _logger, stoppingToken);

    private void FinishTerminating()
    {
        var namespaces = _resources.Registry.Find("", "v1", "namespaces")!;
        foreach (var ns in _resources.Store.List(namespaces.StorageKey, null, Metadata.IsDeleting).Items)
        {
            var name = Metadata.Name(ns);
            var remaining = 0;
            foreach (var type in _resources.Registry.StoredResources().Where(t => t.Namespaced))
            {
                foreach (var item in _resources.Store.List(type.StorageKey, name).Items)
                {
                    remaining++;
                    if (Metadata.IsDeleting(item))
                    {
                        continue;
                    }

                    try
                    {
                        _resources.Delete(type, name, Metadata.Name(item), new DeleteOptions { PropagationPolicy = "Background", GracePeriodSeconds = null });
                    }
                    catch (ApiException e) when (e.Code == 404)
                    {
                    }
                }
            }

            if (remaining > 0)
            {
                continue;
            }

            _resources.Mutate(namespaces, null, name, current =>
            {
                if (current["spec"]?["finalizers"] is not JsonArray { Count: > 0 } finalizers)
                {
                    return false;
                }

                BuiltInDefaults.Ensure(current, "spec")["finalizers"] = new JsonArray(
                    finalizers.Select(JsonValues.String).Where(f => f != "kubernetes").Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
                return true;
            }, "finalize");
            LogFinalized(name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Namespace {Name} is empty: finalized")]
    private partial void LogFinalized(string name);
}
