using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Controllers;

/// <summary>
/// The clusterrole-aggregation controller: a ClusterRole with an <c>aggregationRule</c> gets the
/// rules of every ClusterRole its selectors match (how charts extend <c>admin</c>, <c>edit</c>, <c>view</c>).
/// </summary>
public sealed class ClusterRoleAggregator : BackgroundService
{
    private const string StorageKey = "clusterroles.rbac.authorization.k8s.io";

    private readonly ResourceService _resources;
    private readonly ILogger<ClusterRoleAggregator> _logger;

    public ClusterRoleAggregator(ResourceService resources, ILogger<ClusterRoleAggregator> logger)
    {
        _resources = resources;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        StoreEventLoop.RunAsync(_resources.Store, StorageKey, _ => { }, Aggregate, _logger, stoppingToken);

    private void Aggregate()
    {
        var type = _resources.Registry.StorageType(StorageKey)!;
        var roles = _resources.Store.List(StorageKey, null).Items;
        foreach (var role in roles.Where(r => r["aggregationRule"] is JsonObject))
        {
            var selectors = BuiltInDefaults.Objects(role["aggregationRule"]?["clusterRoleSelectors"]).Select(LabelSelector.FromObject).ToList();
            var rules = new JsonArray();
            foreach (var source in roles.OrderBy(Metadata.Name, StringComparer.Ordinal))
            {
                if (Metadata.Name(source) == Metadata.Name(role) || !selectors.Any(s => s.Matches(Metadata.Labels(source))))
                {
                    continue;
                }

                foreach (var rule in BuiltInDefaults.Objects(source["rules"]))
                {
                    if (!rules.Any(r => JsonNode.DeepEquals(r, rule)))
                    {
                        rules.Add(rule.DeepClone());
                    }
                }
            }

            if (!JsonNode.DeepEquals(rules, role["rules"] ?? new JsonArray()))
            {
                _resources.Mutate(type, null, Metadata.Name(role), current =>
                {
                    current["rules"] = rules.DeepClone();
                    return true;
                });
            }
        }
    }
}
