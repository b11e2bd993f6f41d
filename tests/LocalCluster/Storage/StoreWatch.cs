using System.Threading.Channels;

namespace ZkSync.LocalCluster.Storage;

/// <summary>
/// A subscription to the store's changes: the events it missed since its starting resourceVersion,
/// then every later one, in order, without a gap. Dispose it to unsubscribe.
/// </summary>
public sealed class StoreWatch : IDisposable
{
    private readonly Channel<StoreEvent> _channel = Channel.CreateUnbounded<StoreEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly Action<StoreWatch> _unsubscribe;

    internal StoreWatch(string? storageKey, string? ns, bool bookmarks, bool inProcess, Action<StoreWatch> unsubscribe)
    {
        InProcess = inProcess;
        StorageKey = storageKey;
        Namespace = ns;
        WantsBookmarks = bookmarks;
        _unsubscribe = unsubscribe;
    }

    /// <summary>The resource watched, or null for every resource (in-process controllers).</summary>
    public string? StorageKey { get; }

    /// <summary>The namespace watched, or null for all.</summary>
    public string? Namespace { get; }

    public bool WantsBookmarks { get; }

    /// <summary>An in-process controller's watch: test hooks that drop clients' watches leave it alone.</summary>
    public bool InProcess { get; }

    /// <summary>The events; the reader completes when the watch was dropped (a <see cref="WatchDroppedException"/> when aborted).</summary>
    public ChannelReader<StoreEvent> Events => _channel.Reader;

    public void Dispose() => _unsubscribe(this);

    internal bool Matches(string storageKey, string? ns) =>
        (StorageKey is null || StorageKey == storageKey) && (Namespace is null || Namespace == ns);

    internal void Publish(StoreEvent storeEvent) => _channel.Writer.TryWrite(storeEvent);

    internal void Drop(WatchDropMode mode) =>
        _channel.Writer.TryComplete(mode == WatchDropMode.Abort ? new WatchDroppedException() : null);
}
