using k8s;
using k8s.Models;
using Xunit.Abstractions;
using WatchDropMode = ZkSync.LocalCluster.Storage.WatchDropMode;
using WatchEventType = k8s.WatchEventType;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests;

/// <summary>
/// KubernetesClient watches against the server's watch semantics: resuming from a resourceVersion after
/// a dropped connection, a stream that closes before its first line, 410 Gone for a version outside
/// the retained window (then a relist), bookmarks, selectors and timeouts.
/// </summary>
public sealed class KubernetesClientWatchTests(WatchClusterFixture cluster, ITestOutputHelper output) : IClassFixture<WatchClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public Task DroppedConnection_ReWatchingFromTheLastVersionMissesNothing() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        await CreateAsync(client, ns, "before");
        var list = await client.CoreV1.ListNamespacedConfigMapAsync(ns);
        var lastVersion = list.Metadata.ResourceVersion;

        await using (var watch = Watch(client, ns, lastVersion))
        {
            await CreateAsync(client, ns, "during");
            var added = await watch.NextAsync(Patience);
            Assert.Equal((WatchEventType.Added, "during"), (added!.Value.Type, added.Value.Object!.Metadata.Name));
            lastVersion = added.Value.Object.Metadata.ResourceVersion;

            Assert.True(cluster.Server.DropWatches(WatchDropMode.Abort) >= 1);
            // The reset reaches the client as an I/O error (HTTP/2: the stream reset), not as a quiet end.
            Assert.IsAssignableFrom<IOException>(await watch.EndAsync(Patience));
        }

        await CreateAsync(client, ns, "while-disconnected");
        await using var resumed = Watch(client, ns, lastVersion);
        var missed = await resumed.NextAsync(Patience);
        Assert.Equal((WatchEventType.Added, "while-disconnected"), (missed!.Value.Type, missed.Value.Object!.Metadata.Name));
    });

    [Fact]
    public Task StreamClosedWithNoLines_EndsTheWatch_AndReWatchingWorks() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var version = (await client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;
        await using (var watch = Watch(client, ns, version))
        {
            await WaitForOpenWatchAsync(ns);
            Assert.True(cluster.Server.DropWatches(WatchDropMode.Close) >= 1);
            // KubernetesClient reads the first line before handing the stream over: none came, so the request fails.
            var ended = await watch.EndAsync(Patience);
            Assert.IsType<HttpRequestException>(ended);
        }

        await using var again = Watch(client, ns, version);
        await CreateAsync(client, ns, "after");
        var added = await again.NextAsync(Patience);
        Assert.Equal("after", added!.Value.Object!.Metadata.Name);
    });

    [Fact]
    public Task VersionOlderThanTheRetainedWindow_Gets410Expired_AndARelistRecovers() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var old = (await client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync(client, ns, $"c{i}");
        }

        var store = cluster.Server.Store;
        var retained = store.RetainedEvents;
        store.RetainedEvents = 2;
        try
        {
            await using (var expired = Watch(client, ns, old))
            {
                var error = await expired.NextAsync(Patience);
                var status = Assert.IsType<KubernetesException>(error!.Value.Error).Status;
                Assert.Equal((410, "Expired"), (status.Code!.Value, status.Reason));
                Assert.StartsWith($"too old resource version: {old}", status.Message, StringComparison.Ordinal);
            }

            var relisted = await client.CoreV1.ListNamespacedConfigMapAsync(ns);
            Assert.Equal(6, relisted.Items.Count);
            await using var fresh = Watch(client, ns, relisted.Metadata.ResourceVersion);
            await CreateAsync(client, ns, "after-relist");
            var added = await fresh.NextAsync(Patience);
            Assert.Equal((WatchEventType.Added, "after-relist"), (added!.Value.Type, added.Value.Object!.Metadata.Name));
        }
        finally
        {
            store.RetainedEvents = retained;
        }
    });

    [Fact]
    public Task WatchWithBookmarks_GetsBookmarksAtTheCurrentVersion() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        var version = (await client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;
        await using var watch = Watch(client, ns, version, bookmarks: true);
        var bookmark = await watch.NextAsync(Patience);
        Assert.Equal(WatchEventType.Bookmark, bookmark!.Value.Type);
        Assert.True(long.Parse(bookmark.Value.Object!.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) >=
                    long.Parse(version, System.Globalization.CultureInfo.InvariantCulture));
    });

    [Fact]
    public Task LabelSelectedWatch_SeesObjectsEnterAndLeaveTheSelection() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        await CreateAsync(client, ns, "item");
        var version = (await client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;
        await using var watch = new WatchRecorder<V1ConfigMap>((onError, token) =>
            client.CoreV1.WatchListNamespacedConfigMapAsync(ns, labelSelector: "tier=hot", resourceVersion: version, onError: onError, cancellationToken: token));
        await Label(client, ns, "item", "hot");
        Assert.Equal(WatchEventType.Added, (await watch.NextAsync(Patience))!.Value.Type);
        await Label(client, ns, "item", "cold");
        Assert.Equal(WatchEventType.Deleted, (await watch.NextAsync(Patience))!.Value.Type);
    });

    [Fact]
    public Task TimeoutSeconds_EndsTheWatchCleanly() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var client = cluster.Client();
        await using var watch = new WatchRecorder<V1ConfigMap>((onError, token) =>
            client.CoreV1.WatchListNamespacedConfigMapAsync(ns, timeoutSeconds: 1, onError: onError, cancellationToken: token));
        await CreateAsync(client, ns, "x");
        Assert.Equal(WatchEventType.Added, (await watch.NextAsync(Patience))!.Value.Type);
        Assert.Null(await watch.EndAsync(Patience));
    });

    private static WatchRecorder<V1ConfigMap> Watch(IKubernetes client, string ns, string version, bool bookmarks = false) =>
        new((onError, token) => client.CoreV1.WatchListNamespacedConfigMapAsync(
            ns, resourceVersion: version, allowWatchBookmarks: bookmarks, onError: onError, cancellationToken: token));

    private static Task CreateAsync(IKubernetes client, string ns, string name) =>
        client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, ns);

    private static Task Label(IKubernetes client, string ns, string name, string tier) =>
        client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("{\"metadata\":{\"labels\":{\"tier\":\"" + tier + "\"}}}", V1Patch.PatchType.MergePatch), name, ns);

    private async Task WaitForOpenWatchAsync(string ns)
    {
        using var deadline = new CancellationTokenSource(Patience);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (cluster.Server.Store.OpenWatches("configmaps", ns) == 0)
        {
            await timer.WaitForNextTickAsync(deadline.Token);
        }
    }
}
