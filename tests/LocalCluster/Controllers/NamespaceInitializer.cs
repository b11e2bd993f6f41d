using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers;

/// <summary>
/// Gives every new namespace what a cluster's controllers give it: the <c>default</c> ServiceAccount
/// and the <c>kube-root-ca.crt</c> ConfigMap holding the cluster's CA. Done as the namespace is
/// created (a real cluster does it within milliseconds), so a pod created right after finds its account.
/// </summary>
public sealed class NamespaceInitializer
{
    public const string RootCaConfigMap = "kube-root-ca.crt";

    private readonly ResourceService _resources;
    private readonly string _caPem;

    public NamespaceInitializer(ResourceService resources, string caPem)
    {
        _resources = resources;
        _caPem = caPem;
        resources.Written += OnWritten;
    }

    /// <summary>Fills a namespace that exists already (the bootstrap ones).</summary>
    public void Initialize(string ns)
    {
        Ensure("serviceaccounts", ns, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ServiceAccount",
            ["metadata"] = new JsonObject { ["name"] = "default" },
        });
        Ensure("configmaps", ns, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = RootCaConfigMap,
                ["annotations"] = new JsonObject { ["kubernetes.io/description"] = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters." },
            },
            ["data"] = new JsonObject { ["ca.crt"] = _caPem },
        });
    }

    private void OnWritten(StoredChange change)
    {
        if (change.Change == WatchEventType.Added && change.Type.Group.Length == 0 && change.Type.Kind == "Namespace")
        {
            Initialize(Metadata.Name(change.Object));
        }
    }

    private void Ensure(string plural, string ns, JsonObject obj)
    {
        var type = _resources.Registry.Find("", "v1", plural)!;
        if (_resources.Find(type, ns, Metadata.Name(obj)) is not null)
        {
            return;
        }

        try
        {
            _resources.Create(type, ns, obj, new WriteOptions());
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
        }
    }
}
