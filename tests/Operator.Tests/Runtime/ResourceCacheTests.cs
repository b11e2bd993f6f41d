using k8s.Models;
using ZkSync.Operator.Runtime;

namespace ZkSync.Operator.Tests.Runtime;

public sealed class ResourceCacheTests
{
    private static V1ConfigMap Map(string @namespace, string name) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace, ResourceVersion = "1" } };

    [Fact]
    public void Replace_ForOneNamespace_KeepsTheOtherNamespacesObjects()
    {
        // One cache, one watcher per watched namespace (rbac.clusterWide=false): a list of namespace "a" (at start or
        // after a 410) must not drop what the watcher of "b" put there; it once did, and a session of "b" was never
        // reconciled by a new leader until something about it changed.
        var cache = new ResourceCache<V1ConfigMap>();
        cache.Upsert(Map("a", "kept"));
        cache.Upsert(Map("a", "deleted"));
        cache.Upsert(Map("b", "other"));

        var gone = cache.Replace([Map("a", "kept"), Map("a", "new")], "a");

        Assert.Equal(["a/deleted"], gone.Select(ResourceCache<V1ConfigMap>.KeyOf));
        Assert.Equal(["a/kept", "a/new", "b/other"], cache.All().Select(ResourceCache<V1ConfigMap>.KeyOf).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Replace_ForEveryNamespace_DropsWhatTheListLacks()
    {
        var cache = new ResourceCache<V1ConfigMap>();
        cache.Upsert(Map("a", "kept"));
        cache.Upsert(Map("b", "deleted"));

        var gone = cache.Replace([Map("a", "kept")], listedNamespace: null);

        Assert.Equal(["b/deleted"], gone.Select(ResourceCache<V1ConfigMap>.KeyOf));
        Assert.Equal(["a/kept"], cache.All().Select(ResourceCache<V1ConfigMap>.KeyOf));
    }
}
