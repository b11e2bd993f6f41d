using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests;

/// <summary>The in-process resource layer (what controllers and the kubelet will use) on the semantics HTTP clients rarely reach.</summary>
public sealed class ResourceServiceTests(LocalClusterFixture cluster, ITestOutputHelper output) : IClassFixture<LocalClusterFixture>
{
    private ResourceType Type(string group, string plural) => cluster.Resources.Registry.Find(group, "v1", plural)!;

    [Fact]
    public Task TerminatingNamespace_RefusesNewContent() => cluster.RunAsync(output, () =>
    {
        var ns = cluster.CreateNamespace();
        var configMaps = Type("", "configmaps");
        var held = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "held", ["finalizers"] = new JsonArray("example.com/hold") } };
        cluster.Resources.Create(configMaps, ns, held, new WriteOptions());
        cluster.Resources.Delete(Type("", "namespaces"), null, ns, new DeleteOptions());
        var refused = Assert.Throws<ApiException>(() =>
            cluster.Resources.Create(configMaps, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "late" } }, new WriteOptions()));
        Assert.Equal((403, "Forbidden"), (refused.Code, refused.Reason));
        Assert.Equal($"configmaps \"late\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", refused.Message);
        Assert.Equal("Terminating", JsonValues.String(cluster.Resources.Get(Type("", "namespaces"), null, ns)["status"]!["phase"]));
        return Task.CompletedTask;
    });

    [Fact]
    public Task JobDeletedWithoutAPolicy_OrphansItsPods_AsBatchV1Does() => cluster.RunAsync(output, () =>
    {
        var ns = cluster.CreateNamespace();
        cluster.Resources.Create(Type("batch", "jobs"), ns, JsonNode.Parse("""
            {"metadata":{"name":"j"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}
            """)!.AsObject(), new WriteOptions());
        var deleted = cluster.Resources.Delete(Type("batch", "jobs"), ns, "j", new DeleteOptions());
        Assert.False(deleted.Removed);
        Assert.Contains("orphan", Metadata.Finalizers(deleted.Object));
        // Marking an object deleting bumps its generation (1 -> 2), as the real registry's BeforeDelete does.
        Assert.Equal(2, Metadata.Generation(deleted.Object));
        return Task.CompletedTask;
    });

    [Fact]
    public Task PodBoundToANode_IsDeletedGracefully_UntilItsKubeletConfirms() => cluster.RunAsync(output, () =>
    {
        var ns = cluster.CreateNamespace();
        var pods = Type("", "pods");
        cluster.Resources.Create(pods, ns, JsonNode.Parse("""{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""")!.AsObject(), new WriteOptions());
        cluster.Resources.Bind(pods, ns, "p", "node-1");
        var bound = cluster.Resources.Get(pods, ns, "p");
        Assert.Equal("node-1", JsonValues.String(bound["spec"]!["nodeName"]));
        Assert.Contains(bound["status"]!["conditions"]!.AsArray(), c => JsonValues.String(c!["type"]) == "PodScheduled");

        var graceful = cluster.Resources.Delete(pods, ns, "p", new DeleteOptions());
        Assert.False(graceful.Removed);
        Assert.Equal(30, JsonValues.Long(graceful.Object["metadata"]!["deletionGracePeriodSeconds"]));
        Assert.True(cluster.Resources.Delete(pods, ns, "p", new DeleteOptions { GracePeriodSeconds = 0 }).Removed);
        return Task.CompletedTask;
    });

    [Fact]
    public Task CustomResourceWithoutStatusSubresource_BumpsGenerationOnAnyChangeButMetadata() => cluster.RunAsync(output, () =>
    {
        var ns = cluster.CreateNamespace();
        cluster.Resources.Create(Type("apiextensions.k8s.io", "customresourcedefinitions"), null, JsonNode.Parse("""
            {"metadata":{"name":"plains.gen.example.com"},"spec":{"group":"gen.example.com","scope":"Namespaced",
             "names":{"kind":"Plain","plural":"plains"},
             "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """)!.AsObject(), new WriteOptions());
        var plains = cluster.Resources.Registry.Find("gen.example.com", "v1", "plains")!;
        cluster.Resources.Create(plains, ns, JsonNode.Parse("""{"metadata":{"name":"x"},"spec":{"a":1}}""")!.AsObject(), new WriteOptions());
        var status = cluster.Resources.Patch(plains, ns, "x", PatchKind.Merge, JsonNode.Parse("""{"status":{"b":2}}""")!, new WriteOptions());
        Assert.Equal(2, Metadata.Generation(status));
        var labelled = cluster.Resources.Patch(plains, ns, "x", PatchKind.Merge, JsonNode.Parse("""{"metadata":{"labels":{"c":"d"}}}""")!, new WriteOptions());
        Assert.Equal(2, Metadata.Generation(labelled));
        return Task.CompletedTask;
    });

    [Fact]
    public Task NoOpUpdate_KeepsTheResourceVersion() => cluster.RunAsync(output, () =>
    {
        var ns = cluster.CreateNamespace();
        var configMaps = Type("", "configmaps");
        var created = cluster.Resources.Create(configMaps, ns, JsonNode.Parse("""{"metadata":{"name":"same"},"data":{"a":"1"}}""")!.AsObject(), new WriteOptions());
        var again = cluster.Resources.Update(configMaps, ns, "same", created, new WriteOptions());
        Assert.Equal(Metadata.ResourceVersion(created), Metadata.ResourceVersion(again));
        return Task.CompletedTask;
    });

    [Fact]
    public Task ContinueToken_OlderThanTheRetainedWindow_Is410() => cluster.RunAsync(output, () =>
    {
        var ns = cluster.CreateNamespace();
        var configMaps = Type("", "configmaps");
        for (var i = 0; i < 3; i++)
        {
            cluster.Resources.Create(configMaps, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = $"c{i}" } }, new WriteOptions());
        }

        var page = cluster.Resources.List(configMaps, ns, new ListOptions { Limit = 1 });
        var token = JsonValues.String(page["metadata"]!["continue"])!;
        cluster.Resources.Create(configMaps, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "later" } }, new WriteOptions());
        var store = cluster.Server.Store;
        var retained = store.RetainedEvents;
        try
        {
            store.RetainedEvents = 0;
            var expired = Assert.Throws<ApiException>(() => cluster.Resources.List(configMaps, ns, new ListOptions { Limit = 1, Continue = token }));
            Assert.Equal((410, "Expired"), (expired.Code, expired.Reason));
        }
        finally
        {
            store.RetainedEvents = retained;
        }

        return Task.CompletedTask;
    });
}
