using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Tests.Unit;

public sealed class ObjectStoreTests
{
    private static JsonObject Object(string name) => new() { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "ns", ["uid"] = name + "-uid" } };

    [Fact]
    public void Writes_TakeTheNextVersionOfOneCounter_AndUpdatesAreCompareAndSwap()
    {
        var store = new ObjectStore();
        var a = store.Create("configmaps", "ns", "a", Object("a"));
        var b = store.Create("secrets", "ns", "b", Object("b"));
        Assert.Equal(("1", "2"), ((string)a["metadata"]!["resourceVersion"]!, (string)b["metadata"]!["resourceVersion"]!));
        var updated = store.Update("configmaps", "ns", "a", a, expectedResourceVersion: 1);
        Assert.Equal("3", (string)updated["metadata"]!["resourceVersion"]!);
        var stale = Assert.Throws<StoreException>(() => store.Update("configmaps", "ns", "a", a, expectedResourceVersion: 1));
        Assert.Equal(StoreError.Conflict, stale.Error);
        Assert.Equal(StoreError.AlreadyExists, Assert.Throws<StoreException>(() => store.Create("configmaps", "ns", "a", Object("a"))).Error);
        Assert.Equal("configmaps", store.GetByUid("a-uid")!.Value.StorageKey);
    }

    [Fact]
    public void Watch_FromAVersion_ReplaysWhatCameAfterIt_ThenFollows()
    {
        var store = new ObjectStore();
        store.Create("configmaps", "ns", "a", Object("a"));
        store.Create("configmaps", "ns", "b", Object("b"));
        using var watch = store.Watch("configmaps", "ns", fromResourceVersion: 1, sendInitialState: false, bookmarks: false);
        store.Delete("configmaps", "ns", "a", null);
        Assert.True(watch.Events.TryRead(out var replayed));
        Assert.Equal((WatchEventType.Added, 2L), (replayed!.Type, replayed.ResourceVersion));
        Assert.True(watch.Events.TryRead(out var deleted));
        Assert.Equal((WatchEventType.Deleted, 3L, "3"), (deleted!.Type, deleted.ResourceVersion, (string)deleted.Object["metadata"]!["resourceVersion"]!));
        Assert.False(watch.Events.TryRead(out _));
    }

    [Fact]
    public void Watch_FromAVersionOutsideTheRetainedWindow_IsExpired()
    {
        var store = new ObjectStore();
        for (var i = 0; i < 5; i++)
        {
            store.Create("configmaps", "ns", $"c{i}", Object($"c{i}"));
        }

        store.RetainedEvents = 2;
        Assert.Equal(StoreError.Expired, Assert.Throws<StoreException>(() => store.Watch("configmaps", null, 2, false, false)).Error);
        using var fine = store.Watch("configmaps", null, 3, false, false);
        Assert.True(fine.Events.TryRead(out var fourth));
        Assert.True(fine.Events.TryRead(out var fifth));
        Assert.Equal((4L, 5L), (fourth!.ResourceVersion, fifth!.ResourceVersion));
    }

    [Fact]
    public void DropWatches_EndsClientWatches_AndLeavesInProcessOnes()
    {
        var store = new ObjectStore();
        using var client = store.Watch("configmaps", null, null, false, false);
        using var controller = store.Watch(null, null, null, false, false, inProcess: true);
        Assert.Equal(1, store.DropWatches(WatchDropMode.Abort));
        Assert.True(client.Events.Completion.IsFaulted);
        Assert.False(controller.Events.Completion.IsCompleted);
        Assert.Equal(0, store.OpenWatches());
    }

    [Fact]
    public void List_PagesInKeyOrder()
    {
        var store = new ObjectStore();
        foreach (var name in new[] { "c", "a", "b" })
        {
            store.Create("configmaps", "ns", name, Object(name));
        }

        var first = store.List("configmaps", "ns", limit: 2);
        Assert.Equal(["a", "b"], first.Items.Select(i => (string)i["metadata"]!["name"]!));
        var rest = store.List("configmaps", "ns", limit: 2, startAfterKey: first.ContinueAfterKey);
        Assert.Equal(["c"], rest.Items.Select(i => (string)i["metadata"]!["name"]!));
        Assert.Null(rest.ContinueAfterKey);
    }
}
