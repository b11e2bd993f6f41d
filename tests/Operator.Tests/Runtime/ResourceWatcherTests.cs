using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using ZkSync.Operator.Runtime;

namespace ZkSync.Operator.Tests.Runtime;

public sealed class ResourceWatcherTests : IAsyncDisposable
{
    private readonly ScriptedResourceClient _client = new();
    private readonly ResourceCache<V1ConfigMap> _cache = new();
    private readonly BlockingCollection<string> _changes = [];
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));
    private readonly ResourceWatcher<V1ConfigMap> _watcher;
    private Task? _running;

    public ResourceWatcherTests()
    {
        var settings = new WatchSettings(5, new BackoffPolicy(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), Jitter: true));
        _watcher = new ResourceWatcher<V1ConfigMap>(_client, null, null, _cache, m => _changes.Add(m.Metadata.Name + "@" + m.Metadata.ResourceVersion),
            settings, TimeProvider.System, NullLogger.Instance);
    }

    private void Start() => _running = _watcher.RunAsync(_stop.Token);

    private string NextChange() => _changes.TryTake(out var change, TimeSpan.FromSeconds(10)) ? change : throw new TimeoutException("no change reported");

    [Fact]
    public async Task ListThenWatch_FromTheListsVersion_ReportsEveryChangeAndTracksVersions()
    {
        _client.Objects.Add(ScriptedResourceClient.Map("a", "5"));
        Start();
        var watch = await _client.NextWatchAsync(_stop.Token);
        await _watcher.Synced;
        Assert.Equal("a@5", NextChange());

        await watch.WriteAsync((WatchEventType.Added, ScriptedResourceClient.Map("b", "11")));
        await watch.WriteAsync((WatchEventType.Modified, ScriptedResourceClient.Map("a", "12")));
        await watch.WriteAsync((WatchEventType.Bookmark, ScriptedResourceClient.Map("", "20")));
        await watch.WriteAsync((WatchEventType.Deleted, ScriptedResourceClient.Map("b", "21")));
        Assert.Equal(["b@11", "a@12", "b@21"], new[] { NextChange(), NextChange(), NextChange() });

        // The stream ends (the server's timeout): watched again from the last version seen, without a relist.
        watch.Complete();
        await _client.NextWatchAsync(_stop.Token);
        Assert.Equal(["10", "21"], _client.WatchedFrom);
        Assert.Equal(1, _client.Lists);
        Assert.Equal("12", _cache.Get("ns/a")?.Metadata.ResourceVersion);
        Assert.Null(_cache.Get("ns/b"));
    }

    [Fact]
    public async Task Trim_AppliesToListedAndWatchedObjects_BeforeTheyAreCached()
    {
        var cache = new ResourceCache<V1ConfigMap>();
        using var changed = new BlockingCollection<string>();
        var watcher = new ResourceWatcher<V1ConfigMap>(_client, null, null, cache, m => changed.Add(m.Metadata.Name), new WatchSettings(5, BackoffPolicy.Watch),
            TimeProvider.System, NullLogger.Instance, trim: m => m.Data = null);
        var listed = ScriptedResourceClient.Map("a", "5");
        listed.Data = new Dictionary<string, string> { ["big"] = "x" };
        listed.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl" }];
        _client.Objects.Add(listed);
        var running = watcher.RunAsync(_stop.Token);
        var watch = await _client.NextWatchAsync(_stop.Token);
        await watcher.Synced;
        var watched = ScriptedResourceClient.Map("b", "11");
        watched.Data = new Dictionary<string, string> { ["big"] = "y" };
        await watch.WriteAsync((WatchEventType.Added, watched));
        Assert.True(changed.TryTake(out var first, TimeSpan.FromSeconds(10)) && first == "a");
        Assert.True(changed.TryTake(out var second, TimeSpan.FromSeconds(10)) && second == "b");

        Assert.Null(cache.Get("ns/a")!.Data);
        Assert.Null(cache.Get("ns/a")!.Metadata.ManagedFields);
        Assert.Null(cache.Get("ns/b")!.Data);
        await _stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task BookmarkVersion_IsWhereTheNextWatchStarts()
    {
        Start();
        var watch = await _client.NextWatchAsync(_stop.Token);
        await watch.WriteAsync((WatchEventType.Bookmark, ScriptedResourceClient.Map("", "33")));
        watch.Complete();

        await _client.NextWatchAsync(_stop.Token);

        Assert.Equal(["10", "33"], _client.WatchedFrom);
    }

    [Fact]
    public async Task Gone_Relists_AndReportsObjectsDeletedMeanwhile()
    {
        _client.Objects.Add(ScriptedResourceClient.Map("a", "5"));
        _client.Objects.Add(ScriptedResourceClient.Map("b", "6"));
        Start();
        var watch = await _client.NextWatchAsync(_stop.Token);
        Assert.Equal(2, new[] { NextChange(), NextChange() }.Length);

        _client.Objects.RemoveAt(1);
        _client.Objects[0] = ScriptedResourceClient.Map("a", "40");
        _client.ListVersion = "41";
        watch.Complete(ScriptedResourceClient.Gone());

        await _client.NextWatchAsync(_stop.Token);
        Assert.Equal(2, _client.Lists);
        Assert.Equal(["10", "41"], _client.WatchedFrom);
        Assert.Equal(["b@6", "a@40"], new[] { NextChange(), NextChange() });
        Assert.Null(_cache.Get("ns/b"));
    }

    [Fact]
    public async Task FailedWatch_IsWatchedAgainFromTheSameVersion_AfterABackoff()
    {
        Start();
        var watch = await _client.NextWatchAsync(_stop.Token);
        await watch.WriteAsync((WatchEventType.Added, ScriptedResourceClient.Map("a", "12")));
        NextChange();
        watch.Complete(new HttpRequestException("connection reset", new EndOfStreamException()));

        await _client.NextWatchAsync(_stop.Token);

        Assert.Equal(["10", "12"], _client.WatchedFrom);
        Assert.Equal(1, _client.Lists);
    }

    [Fact]
    public async Task StreamsThatCloseEmptyAtOnce_AreRetriedWithBackoff_NotInATightLoop()
    {
        Start();
        for (var i = 0; i < 4; i++)
        {
            (await _client.NextWatchAsync(_stop.Token)).Complete();
        }

        await _client.NextWatchAsync(_stop.Token);
        Assert.Equal(5, _client.WatchedFrom.Count);
        Assert.All(_client.WatchedFrom, v => Assert.Equal("10", v));
    }

    [Fact]
    public void IsGone_RecognisesA410AsAnErrorEventOrAnHttpStatus()
    {
        Assert.True(ResourceWatcher<V1ConfigMap>.IsGone(ScriptedResourceClient.Gone()));
        Assert.True(ResourceWatcher<V1ConfigMap>.IsGone(new InvalidOperationException("wrapped", ScriptedResourceClient.Gone())));
        Assert.False(ResourceWatcher<V1ConfigMap>.IsGone(new KubernetesException(new V1Status { Code = 500 })));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }

        _stop.Dispose();
        _changes.Dispose();
    }
}
