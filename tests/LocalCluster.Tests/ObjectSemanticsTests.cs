using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests;

/// <summary>
/// Object semantics through KubernetesClient, as an operator meets them: optimistic concurrency,
/// generation, the status subresource, generateName, finalizers, garbage collection, dry-run, paging.
/// </summary>
public sealed class ObjectSemanticsTests(LocalClusterFixture cluster, ITestOutputHelper output) : IClassFixture<LocalClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public Task Update_WithAStaleResourceVersion_Is409Conflict() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cm"), ns);
        created.Data = new Dictionary<string, string> { ["a"] = "1" };
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "cm", ns);
        created.Data["a"] = "2";
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "cm", ns));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Contains("\"reason\":\"Conflict\"", conflict.Response.Content, StringComparison.Ordinal);
        var duplicate = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cm"), ns));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Response.StatusCode);
        Assert.Contains("\"reason\":\"AlreadyExists\"", duplicate.Response.Content, StringComparison.Ordinal);
    });

    [Fact]
    public Task ResourceVersions_ComeFromOneCounterAcrossKinds() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), ns);
        var second = await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "b" } }, ns);
        Assert.True(long.Parse(second.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) >
                    long.Parse(first.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEqual(first.Metadata.Uid, second.Metadata.Uid);
    });

    [Fact]
    public Task Generation_IsBumpedBySpecChangesOnly() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var job = await client.BatchV1.CreateNamespacedJobAsync(Job("j"), ns);
        Assert.Equal(1, job.Metadata.Generation);
        var labelled = await client.BatchV1.PatchNamespacedJobAsync(new V1Patch("""{"metadata":{"labels":{"a":"b"}}}""", V1Patch.PatchType.MergePatch), "j", ns);
        Assert.Equal(1, labelled.Metadata.Generation);
        var status = await client.BatchV1.PatchNamespacedJobStatusAsync(new V1Patch("""{"status":{"active":1}}""", V1Patch.PatchType.MergePatch), "j", ns);
        Assert.Equal((1, 1), (status.Metadata.Generation!.Value, status.Status.Active!.Value));
        var suspended = await client.BatchV1.PatchNamespacedJobAsync(new V1Patch("""{"spec":{"suspend":true}}""", V1Patch.PatchType.MergePatch), "j", ns);
        Assert.Equal(2, suspended.Metadata.Generation);
        Assert.Equal(1, suspended.Status.Active);
    });

    [Fact]
    public Task GenerateName_GivesEachObjectItsOwnName() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var template = new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "run-" } };
        var a = await client.CoreV1.CreateNamespacedConfigMapAsync(template, ns);
        var b = await client.CoreV1.CreateNamespacedConfigMapAsync(template, ns);
        Assert.Matches("^run-[bcdfghjklmnpqrstvwxz2456789]{5}$", a.Metadata.Name);
        Assert.NotEqual(a.Metadata.Name, b.Metadata.Name);
    });

    [Fact]
    public Task Finalizer_HoldsTheDeletionUntilRemoved() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var held = ConfigMap("held");
        held.Metadata.Finalizers = ["example.com/cleanup"];
        await client.CoreV1.CreateNamespacedConfigMapAsync(held, ns);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("held", ns);
        var deleting = await client.CoreV1.ReadNamespacedConfigMapAsync("held", ns);
        Assert.NotNull(deleting.Metadata.DeletionTimestamp);
        deleting.Metadata.Finalizers.Add("example.com/late");
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(deleting, "held", ns));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);

        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "held", ns);
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedConfigMapAsync("held", ns));
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
    });

    [Fact]
    public Task OwnerReferences_BackgroundDeletion_CollectsTheDependents() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), ns);
        await client.CoreV1.CreateNamespacedConfigMapAsync(Dependent("dependent", owner, block: false), ns);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, propagationPolicy: "Background");
        await WaitUntilGoneAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("dependent", ns));
    });

    [Fact]
    public Task OwnerReferences_ForegroundDeletion_KeepsTheOwnerUntilBlockingDependentsAreGone() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), ns);
        var dependent = Dependent("dependent", owner, block: true);
        dependent.Metadata.Finalizers = ["example.com/slow"];
        await client.CoreV1.CreateNamespacedConfigMapAsync(dependent, ns);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, propagationPolicy: "Foreground");

        var deletingDependent = await WaitForAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("dependent", ns), d => d.Metadata.DeletionTimestamp is not null);
        Assert.Contains("example.com/slow", deletingDependent.Metadata.Finalizers);
        var waitingOwner = await client.CoreV1.ReadNamespacedConfigMapAsync("owner", ns);
        Assert.Contains("foregroundDeletion", waitingOwner.Metadata.Finalizers);

        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "dependent", ns);
        await WaitUntilGoneAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("owner", ns));
    });

    [Fact]
    public Task OwnerReferences_OrphanDeletion_KeepsTheDependentsWithoutTheReference() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), ns);
        await client.CoreV1.CreateNamespacedConfigMapAsync(Dependent("dependent", owner, block: false), ns);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, propagationPolicy: "Orphan");
        await WaitUntilGoneAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("owner", ns));
        var orphan = await client.CoreV1.ReadNamespacedConfigMapAsync("dependent", ns);
        Assert.Null(orphan.Metadata.OwnerReferences);
    });

    [Fact]
    public Task DryRun_CreatesNothing() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var answer = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("dry"), ns, dryRun: "All");
        Assert.Equal("dry", answer.Metadata.Name);
        Assert.NotNull(answer.Metadata.Uid);
        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name=dry")).Items);
    });

    [Fact]
    public Task List_WithLimit_PagesThroughEverythingWithContinue() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        for (var i = 0; i < 7; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"page-{i}"), ns);
        }

        var names = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 3, continueParameter: next, labelSelector: "paged=yes");
            names.AddRange(page.Items.Select(i => i.Metadata.Name));
            next = page.Metadata.ContinueProperty;
            pages++;
        }
        while (!string.IsNullOrEmpty(next));

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"page-{i}"), names);
    });

    [Fact]
    public Task FieldSelector_OnAFieldTheServerDoesNotIndex_Is400() => cluster.RunAsync(output, async () =>
    {
        var client = cluster.Client();
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: "data.a=1"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Response.StatusCode);
        Assert.Contains("field label not supported: data.a", refused.Response.Content, StringComparison.Ordinal);
        var pods = await client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "status.phase=Running,spec.nodeName=nobody");
        Assert.Empty(pods.Items);
    });

    [Fact]
    public Task Service_GetsAClusterIpThatUpdatesKeep() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var service = await client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "svc" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }], Selector = new Dictionary<string, string> { ["app"] = "x" } },
        }, ns);
        Assert.Matches(@"^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$", service.Spec.ClusterIP);
        Assert.Equal(80, service.Spec.Ports[0].TargetPort.Value is var target && target == "80" ? 80 : -1);
        var patched = await client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"metadata":{"labels":{"a":"b"}}}""", V1Patch.PatchType.MergePatch), "svc", ns);
        Assert.Equal(service.Spec.ClusterIP, patched.Spec.ClusterIP);
    });

    private static V1ConfigMap ConfigMap(string name) =>
        new() { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["paged"] = "yes" } } };

    private static V1ConfigMap Dependent(string name, V1ConfigMap owner, bool block) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            OwnerReferences =
            [
                new V1OwnerReference
                {
                    ApiVersion = "v1", Kind = "ConfigMap", Name = owner.Metadata.Name, Uid = owner.Metadata.Uid, BlockOwnerDeletion = block,
                },
            ],
        },
    };

    private static V1Job Job(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1JobSpec
        {
            Template = new V1PodTemplateSpec
            {
                Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "c", Image = "busybox:1.36" }] },
            },
        },
    };

    /// <summary>Waits until a read returns 404, reading again after each change the server makes.</summary>
    private async Task WaitUntilGoneAsync<T>(Func<Task<T>> read)
    {
        await WaitForChangesAsync(async () =>
        {
            try
            {
                await read();
                return false;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return true;
            }
        });
    }

    private async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> condition)
    {
        T last = default!;
        await WaitForChangesAsync(async () => condition(last = await read()));
        return last;
    }

    /// <summary>Evaluates <paramref name="done"/> now and after every write the store sees, until it holds or <see cref="Patience"/> runs out.</summary>
    private async Task WaitForChangesAsync(Func<Task<bool>> done)
    {
        using var changes = cluster.Server.Store.Watch(null, null, cluster.Server.Store.ResourceVersion, sendInitialState: false, bookmarks: false, inProcess: true);
        using var deadline = new CancellationTokenSource(Patience);
        while (!await done())
        {
            if (!await changes.Events.WaitToReadAsync(deadline.Token))
            {
                throw new InvalidOperationException("the store watch ended");
            }

            while (changes.Events.TryRead(out _))
            {
            }
        }
    }
}
