using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Auth;
using ZkSync.LocalCluster.Controllers;

namespace ZkSync.LocalCluster.Hosting;

/// <summary>
/// What a new cluster holds before anyone writes: the system namespaces (each with its default
/// ServiceAccount and kube-root-ca.crt), the bootstrap RBAC, and the <c>kubernetes</c> Service in
/// <c>default</c> with Endpoints at the API server's address.
/// </summary>
public static class ClusterBootstrap
{
    public static readonly IReadOnlyList<string> SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    public static void Populate(ResourceService resources, NamespaceInitializer namespaces, int port)
    {
        var registry = resources.Registry;
        var options = new WriteOptions();
        foreach (var ns in SystemNamespaces)
        {
            resources.Create(registry.Find("", "v1", "namespaces")!, null,
                new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } }, options);
            namespaces.Initialize(ns);
        }

        var clusterRoles = registry.Find("rbac.authorization.k8s.io", "v1", "clusterroles")!;
        foreach (var role in BootstrapPolicy.ClusterRoles())
        {
            resources.Create(clusterRoles, null, role, options);
        }

        var clusterRoleBindings = registry.Find("rbac.authorization.k8s.io", "v1", "clusterrolebindings")!;
        foreach (var binding in BootstrapPolicy.ClusterRoleBindings())
        {
            resources.Create(clusterRoleBindings, null, binding, options);
        }

        resources.Create(registry.Find("", "v1", "services")!, "default", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject
            {
                ["name"] = "kubernetes",
                ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
            },
            ["spec"] = new JsonObject
            {
                ["clusterIP"] = BuiltInAdmission.KubernetesServiceIp,
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = port }),
            },
        }, options);
        resources.Create(registry.Find("", "v1", "endpoints")!, "default", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Endpoints",
            ["metadata"] = new JsonObject { ["name"] = "kubernetes", ["labels"] = new JsonObject { ["endpointslice.kubernetes.io/skip-mirror"] = "true" } },
            ["subsets"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray(new JsonObject { ["ip"] = "127.0.0.1" }),
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = port, ["protocol"] = "TCP" }),
            }),
        }, options);
    }
}
